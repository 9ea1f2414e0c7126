"""Login throttling counts in Redis when configured, so that several gunicorn hosts share one
count. Runs in a separate process: the limiter's storage is chosen when the app starts."""

from __future__ import annotations

from tests.auth.login_script import run
from tests.conftest import REDIS_URL, redis_or_skip


def test_throttle_is_shared_through_redis():
    redis_or_skip()
    result = run("""
        first = make_app()
        print([attempt(first) for _ in range(5)])
        second = make_app()  # a second "host" with the same Redis
        print(attempt(second))
    """, REDIS_URL)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines == ["[401, 401, 401, 401, 401]", "429"]
