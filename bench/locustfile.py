"""People browsing the portal, for ``python -m bench.load`` (``make load``).

Visitors (anonymous) browse the service catalogue, offering pages, the directory of complexes
and complex pages; officials (the Jinhua city and the provincial demo accounts) log in and watch
the dashboard. Every user pauses 1 to 3 s between pages, as a person reading them does.
"""

import random
import re

from locust import HttpUser, between, task

DEMO_PASSWORD = "demo-pass-2026"
OFFICIALS = ["city-330700", "province"]
PAGE_SIZE = 100


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
        page = self.client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        with self.client.post(
            "/accounts/login/",
            {
                "username": random.choice(OFFICIALS),
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": self.host + "/accounts/login/"},
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure("the demo official could not log in")

    @task(4)
    def dashboard(self):
        self.client.get("/dashboard/")

    @task(1)
    def summary(self):
        self.client.get("/api/v1/dashboard/summary/")

    @task(1)
    def directory(self):
        self.client.get("/complexes/")
