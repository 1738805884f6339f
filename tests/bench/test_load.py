"""The load generator's command, its script, and the parsing of what it prints."""

from pathlib import Path

import pytest
from bench.load import (
    RESULT_MARK,
    LoadResult,
    ParseError,
    lua_string,
    parse_output,
    render_lua,
    wrk_command,
)

WRK_REPORT = """Running 10s test @ http://127.0.0.1:8081/v1/pets/x
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.21ms    1.02ms   1.20s    91.50%
    Req/Sec    15.61k   812.33    16.90k    79.00%
  Latency Distribution
     50%  850.00us
     75%    3.40ms
     90%    4.10ms
     99%    1.02s
  155321 requests in 10.01s, 48.20MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:  15516.58
Transfer/sec:      4.82MB
"""


def test_text_report_is_parsed_with_its_units() -> None:
    result = parse_output(WRK_REPORT)
    assert result.requests == 155321
    assert result.duration_s == pytest.approx(10.01)
    assert result.p50_ms == pytest.approx(0.85)
    assert result.p90_ms == pytest.approx(4.1)
    assert result.p99_ms == pytest.approx(1020.0)
    assert result.max_ms == pytest.approx(1200.0)
    assert result.errors == 2 + 1 + 7
    assert result.rps == pytest.approx(155321 / 10.01)


def test_result_line_wins_over_the_text_report() -> None:
    line = (
        RESULT_MARK + '{"requests": 1000, "duration_us": 2000000, "errors": {"connect": 0, '
        '"read": 0, "write": 0, "status": 3, "timeout": 0}, "latency_us": {"p50": 1500, '
        '"p90": 2500, "p99": 9000, "max": 12000, "mean": 1700.5}}'
    )
    result = parse_output(WRK_REPORT + line + "\n")
    assert result == LoadResult(1000, 2.0, 3, 1.5, 2.5, 9.0, 12.0)
    assert result.rps == 500.0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "unable to connect to 127.0.0.1:1 Connection refused\n",
        RESULT_MARK + "{not json\n",
        RESULT_MARK + '{"requests": 1}\n',
        RESULT_MARK + "[1, 2]\n",
        "  10 requests in 1.00s, 1KB read\n",  # no latency distribution
    ],
)
def test_output_without_a_result_is_an_error(text: str) -> None:
    with pytest.raises(ParseError):
        parse_output(text)


def test_lua_strings_are_escaped() -> None:
    assert lua_string('Bearer a.b-c_d"\\\n') == '"Bearer a.b-c_d\\"\\\\\\010"'


def test_script_sets_every_header_and_prints_a_result() -> None:
    script = render_lua({"Authorization": "Bearer abc.def.ghi", "X-Trace": 'q"uote'})
    assert 'wrk.headers["Authorization"] = "Bearer abc.def.ghi"' in script
    assert 'wrk.headers["X-Trace"] = "q\\"uote"' in script
    assert "done = function(summary, latency, requests)" in script
    assert RESULT_MARK in script
    assert "latency:percentile(99)" in script


def test_wrk_command_has_one_thread_latency_and_the_script() -> None:
    argv = wrk_command(
        "/usr/bin/wrk", "http://127.0.0.1:1/x", connections=50, duration_s=8.0,
        script=Path("/tmp/s.lua"),
    )  # fmt: skip
    assert argv[0] == "/usr/bin/wrk"
    assert {"-t1", "-c50", "-d8s", "--latency"} <= set(argv)
    assert argv[argv.index("-s") + 1] == "/tmp/s.lua"
    assert argv[-1] == "http://127.0.0.1:1/x"
