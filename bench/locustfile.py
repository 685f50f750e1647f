"""People using the portal, for ``python -m bench.load`` (``make load``).

Visitors (anonymous) browse the service catalogue, offering pages, the directory of complexes
and complex pages. Signed-in people do their daily pages: officials (the provincial, a city
and a county demo account) the dashboard, results, reports and requests; operators their
complex, requests, catalogue and annual reports; enterprises the catalogue, their requests and
vouchers. Every user pauses 1 to 3 s between pages, as a person reading them does, and comes
from an address of their own (``X-Forwarded-For``, which the server started by ``bench.load``
reads as a proxy's, so the limiters count each person apart). The demo
accounts of operators and enterprises come from the file named by ``LOAD_ACCOUNTS`` (written by
``bench.load`` from the seeded database).
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

DEMO_PASSWORD = "demo-pass-2026"
OFFICIALS = ["city-330700", "county-330784", "province"]
PAGE_SIZE = 100


_addresses = itertools.count(1)


def from_own_address(user: HttpUser) -> None:
    """Give the person an address of their own in 10.0.0.0/8 for every request they make."""
    number = next(_addresses)
    address = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
    user.client.headers["X-Forwarded-For"] = address


def demo_accounts(kind: str) -> list[str]:
    with open(os.environ["LOAD_ACCOUNTS"]) as accounts:
        return json.load(accounts)[kind]


def sign_in(user: HttpUser, username: str) -> None:
    page = user.client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    with user.client.post(
        "/accounts/login/",
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": user.host + "/accounts/login/"},
        catch_response=True,
    ) as response:
        if "/accounts/login/" in response.url:
            response.failure(f"the demo account {username} could not sign in")


def ids_and_codes(client) -> tuple[list[int], list[str]]:
    """Offering ids and complex codes to visit, from the public API (one page of each)."""
    offerings = client.get(f"/api/v1/offerings/?page_size={PAGE_SIZE}", name="/api/v1/offerings/")
    complexes = client.get(f"/api/v1/complexes/?page_size={PAGE_SIZE}", name="/api/v1/complexes/")
    return (
        [row["id"] for row in offerings.json()["results"]],
        [row["code"] for row in complexes.json()["results"]],
    )


class Visitor(HttpUser):
    weight = 4
    wait_time = between(1, 3)

    def on_start(self):
        from_own_address(self)
        self.offering_ids, self.complex_codes = ids_and_codes(self.client)

    @task(3)
    def catalogue(self):
        self.client.get("/services/")

    @task(1)
    def catalogue_next_page(self):
        self.client.get("/services/?page=2", name="/services/?page=N")

    @task(3)
    def offering(self):
        self.client.get(
            f"/services/offerings/{random.choice(self.offering_ids)}/",
            name="/services/offerings/[id]/",
        )

    @task(3)
    def directory(self):
        self.client.get("/complexes/")

    @task(3)
    def complex_page(self):
        self.client.get(
            f"/complexes/{random.choice(self.complex_codes)}/", name="/complexes/[code]/"
        )

    @task(1)
    def home(self):
        self.client.get("/")


class Official(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        from_own_address(self)
        sign_in(self, random.choice(OFFICIALS))

    @task(4)
    def dashboard(self):
        self.client.get("/dashboard/")

    @task(1)
    def summary(self):
        self.client.get("/api/v1/dashboard/summary/")

    @task(1)
    def directory(self):
        self.client.get("/complexes/")

    @task(2)
    def results(self):
        self.client.get("/evaluation/results/")

    @task(2)
    def reports(self):
        self.client.get("/evaluation/reports/")

    @task(2)
    def requests(self):
        self.client.get("/services/requests/")


class Operator(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        from_own_address(self)
        username = random.choice(demo_accounts("operators"))
        self.complex_code = username.removeprefix("op-")
        sign_in(self, username)

    @task(2)
    def own_complex(self):
        self.client.get(f"/complexes/{self.complex_code}/", name="/complexes/[own code]/")

    @task(4)
    def requests(self):
        self.client.get("/services/requests/")

    @task(2)
    def catalogue(self):
        self.client.get("/services/catalogue/")

    @task(1)
    def reports(self):
        self.client.get("/evaluation/reports/")


class Enterprise(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        from_own_address(self)
        sign_in(self, random.choice(demo_accounts("enterprises")))

    @task(3)
    def catalogue(self):
        self.client.get("/services/")

    @task(3)
    def requests(self):
        self.client.get("/services/requests/")

    @task(1)
    def vouchers(self):
        self.client.get("/services/vouchers/")

    @task(1)
    def own_enterprise(self):
        self.client.get("/services/my-enterprise/")
