"""The cache and the Celery broker talk to a real Redis when REDIS_URL is set."""

import redis
from django_redis.cache import RedisCache


def test_cache_round_trips_through_redis(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": "portal-test"})
    cache.set("greeting", {"text": "你好"}, timeout=30)
    assert cache.get("greeting") == {"text": "你好"}
    cache.delete("greeting")


def test_celery_broker_url_points_at_redis_when_configured(redis_url):
    from config.celery import app

    connection = redis.Redis.from_url(redis_url)
    assert connection.ping()
    with app.connection_for_write(redis_url) as broker:
        broker.ensure_connection(max_retries=1)
        assert broker.connected
