"""What the fault runs share: a private redis-server, and clients signed in to a served
portal the way a browser and an API client are."""

import re
import subprocess
import time

import pytest
import redis
import requests

from bench.serving import free_port
from tests import factories
from tests.processes import stop


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        for _ in range(50):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        pytest.fail("the private redis-server did not start")

    def stop(self):
        stop(self.process)


def api_session(address: str, user) -> requests.Session:
    session = requests.Session()
    answer = session.post(
        f"{address}/api/v1/auth/token/",
        json={"username": user.username, "password": factories.PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    session.headers["Authorization"] = f"Token {answer.json()['token']}"
    return session


def browser_login(address: str, user) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{address}/accounts/login/")
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{address}/accounts/login/",
        {"username": user.username, "password": factories.PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{address}/accounts/login/"},
    )
    assert answer.status_code == 200 and "/accounts/login/" not in answer.url, re.findall(
        r"alert.{0,300}", answer.text, re.S
    )
    return session


def csrf_post(session: requests.Session, address: str, path: str, data: dict):
    return session.post(
        address + path,
        {**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": address + path},
    )
