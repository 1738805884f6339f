"""`petstore fault set|show|clear` against real stubs."""

import asyncio
import json

import pytest

from petstore_cli.__main__ import main
from petstore_cli.embedded import free_port
from tests.stubs.helpers import Client, assert_no_leak, fault_state


async def petstore(*argv: str) -> int:
    """Run the CLI in a thread: it has its own event loop, the stubs keep serving on ours."""
    return await asyncio.to_thread(main, list(argv))


def url_of(client: Client) -> str:
    return str(client.make_url("")).rstrip("/")


async def test_set_show_clear(weather: Client, capsys: pytest.CaptureFixture[str]) -> None:
    url = url_of(weather)
    code = await petstore(
        "fault", "set", "weather", "error", "--status", "503", "--retry-after", "9",
        "--probability", "1", "--count", "2", "--url", url,
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "weather" in out
    assert "error" in out
    assert "status=503" in out
    assert "(2 left)" in out
    state = await fault_state(weather)
    assert state["fault"]["status"] == 503
    assert state["fault"]["retryAfter"] == 9
    assert state["remaining"] == 2
    failed = await weather.get("/v1/weather/pet-1")
    assert failed.status == 503

    assert await petstore("fault", "show", "weather", "--url", url) == 0
    out = capsys.readouterr().out
    assert "(1 left)" in out
    assert "requests  1" in out
    assert "faults 1 (error 1)" in out

    assert await petstore("fault", "clear", "weather", "--url", url) == 0
    assert "healthy" in capsys.readouterr().out
    assert (await fault_state(weather))["fault"] == {"mode": "healthy"}


async def test_every_option_reaches_the_stub(
    weather: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    url = url_of(weather)
    assert await petstore(
        "fault", "set", "weather", "slow-body", "--bytes-per-second", "50", "--delay-ms", "5",
        "--jitter-ms", "2", "--seed", "11", "--url", url, "--json",
    ) == 0  # fmt: skip
    printed = json.loads(capsys.readouterr().out)
    assert printed["fault"] == {
        "mode": "slow-body",
        "probability": 1.0,
        "count": None,
        "seed": 11,
        "delayMs": 5,
        "jitterMs": 2,
        "bytesPerSecond": 50,
    }
    assert (await fault_state(weather))["fault"] == printed["fault"]


async def test_show_reads_both_stubs_from_the_environment(
    weather: Client,
    recommendations: Client,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WEATHER_URL", url_of(weather))
    monkeypatch.setenv("RECOMMENDATIONS_URL", url_of(recommendations) + "/")
    assert await petstore("fault", "set", "recommendations", "latency", "--delay-ms", "20") == 0
    capsys.readouterr()
    assert await petstore("fault", "show") == 0
    out = capsys.readouterr().out
    assert f"weather  {url_of(weather)}" in out
    assert f"recommendations  {url_of(recommendations)}" in out
    assert "latency" in out
    assert "healthy" in out
    assert (await fault_state(recommendations))["fault"]["delayMs"] == 20


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["error", "--status", "200"], "status"),
        (["error", "--probability", "1.5"], "probability"),
        (["latency", "--status", "503"], "status"),
        (["latency", "--delay-ms", "-1"], "delayMs"),
        (["timeout", "--count", "0"], "count"),
    ],
)
async def test_a_refused_spec_is_exit_1_with_the_reasons(
    weather: Client, capsys: pytest.CaptureFixture[str], argv: list[str], field: str
) -> None:
    code = await petstore("fault", "set", "weather", *argv, "--url", url_of(weather))
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert "refused: 422" in captured.err
    assert f"- {field}:" in captured.err
    assert_no_leak(captured.err)
    assert (await fault_state(weather))["fault"] == {"mode": "healthy"}


async def test_an_unreachable_stub_is_exit_1_without_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert await petstore("fault", "clear", "weather", "--url", url, "--timeout", "2") == 1
    err = capsys.readouterr().err
    assert f"cannot reach the weather stub at {url}" in err
    assert_no_leak(err)


async def test_a_stub_that_does_not_answer_in_time_is_exit_1(
    weather: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    # Under this URL, /admin/faults is an ordinary (faulted) path: the stub holds the request.
    await weather.put("/admin/faults", json={"mode": "timeout"})
    url = url_of(weather) + "/v1/weather/pet-1"
    code = await petstore("fault", "show", "weather", "--url", url, "--timeout", "0.3")
    assert code == 1
    err = capsys.readouterr().err
    assert "did not answer in time" in err


async def test_something_else_than_a_stub_is_exit_1(
    weather: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    await weather.put("/admin/faults", json={"mode": "garbage"})
    url = url_of(weather) + "/v1/weather/pet-1"
    assert await petstore("fault", "show", "weather", "--url", url) == 1
    assert "unexpected answer" in capsys.readouterr().err
