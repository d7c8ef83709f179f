"""Throughput of ``samenbot run`` next to a bare reference bot, over HTTP on loopback.

Both bots run as subprocesses with the same Python, long polling the same kind of Bot API
emulator (``throughput_api.py``); the bare bot (``throughput_bare.py``) stores one row
(synchronous=FULL) and sends one reply per message, which is the floor any bot that keeps
what it hears stands on. Both get the same open-loop load: text messages from distinct users
in private chats, injected at a fixed offered rate whatever the bot manages, for a warm-up
and then a measured window. Two populations:

- strangers: users the bot does not know (samenbot answers each with how to join);
- members: residents of samenbot's database, sending "/help" and plain text in turn.

samenbot's database is seeded once (``throughput_seed.py``: 10,000 people, 100,000 needs
and offers) and copied for every run, for both populations; every run starts a fresh process.

Printed per population and offered rate, for each bot: replies/s (replies that arrived in
the measured window, over its length), p50 and p99 latency from injecting a message of the
window to its reply (messages still unanswered when the run stops count with the time they
had waited, and the p99 is then marked ">=" as a lower bound), CPU of the bot process (% of
one core, over the window); for samenbot also its peak RSS (VmHWM) and its start-up time
(process start to its first getUpdates); and the ratio of replies/s samenbot/bare.

    .venv/bin/python benchmarks/throughput.py            # 50, 100, 150 msg/s, 20 s each
    .venv/bin/python benchmarks/throughput.py --quick    # 50 and 150 msg/s, 6 s each
    .venv/bin/python benchmarks/throughput.py --rates 60,80 --duration 30 --populations members
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from throughput_api import BotApiEmulator
from throughput_seed import ROOT, Seeded, bot_env, seed

HERE = Path(__file__).resolve().parent
TOKEN = "123456:TEST"
STRANGER_BASE_ID = 900_000_000
BOTS = ("bare", "samenbot")
POPULATIONS = ("strangers", "members")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
OTHERS_WARNING_PCT = 15  # CPU of other processes during a window that makes it suspect


@dataclass(frozen=True)
class Population:
    name: str
    users: tuple[int, ...]
    texts: tuple[str, ...]
    languages: tuple[str, ...]


@dataclass
class Result:
    bot: str
    population: str
    rate: float
    round: int = 1
    replies_per_s: float = math.nan
    p50_ms: float = math.nan
    p99_ms: float = math.nan
    p99_lower_bound: bool = False
    messages: int = 0  # injected in the measured window
    unanswered: int = 0  # of those, still unanswered when the run stopped
    cpu_pct: float = math.nan  # of one core, over the window
    main_thread_cpu_pct: float = math.nan  # the event loop's thread alone
    driver_cpu_pct: float = math.nan
    others_cpu_pct: float = math.nan  # everything else on the machine: should be ~0
    rss_mib: float = math.nan  # VmHWM at the end
    startup_s: float = math.nan
    unmatched: int = 0
    redelivered: int = 0
    polls: int = 0  # getUpdates calls during the whole run
    updates: int = 0  # updates injected during the whole run
    errors_logged: int = 0
    reply_texts: list[tuple[str, int]] = field(default_factory=list)
    slowest: list[tuple[float, float]] = field(default_factory=list)  # (s after start, ms)
    failure: str | None = None


# processes ------------------------------------------------------------------------------------
SLOWEST = 15  # the slowest messages --verbose lists, to tell a stall from a queue


def cpu_seconds(pid: int, *, main_thread: bool = False) -> float:
    """utime + stime of a process (all its threads), or of its main thread only."""
    with open(f"/proc/{pid}/task/{pid}/stat" if main_thread else f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU time spent by everything on the machine (all cores), from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / _CLOCK_TICKS


def peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return math.nan


def log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class BotDied(RuntimeError):
    pass


async def stop_process(proc: asyncio.subprocess.Process, *, graceful: bool) -> None:
    """SIGTERM and a wait (a bot with a backlog would first work it off: then SIGKILL)."""
    if proc.returncode is not None:
        return
    if graceful:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 15)
            return
        except TimeoutError:
            pass
    proc.kill()
    await proc.wait()


def fsync_ms(folder: Path, count: int = 100) -> float:
    """What one small write + fsync costs where the databases live (synchronous=FULL pays it
    on every commit); a fast virtual disk makes every bot here look better than on a real one."""
    probe = folder / "fsync-probe"
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        began = time.perf_counter()
        for _ in range(count):
            os.write(fd, b"x" * 4096)
            os.fsync(fd)
        return (time.perf_counter() - began) / count * 1000
    finally:
        os.close(fd)
        probe.unlink()


# one run ----------------------------------------------------------------------------------------
def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest rank."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


async def run_one(bot: str, population: Population, rate: float, opts: argparse.Namespace,
                  workdir: Path, seeded: Seeded, round_: int = 1) -> Result:
    result = Result(bot=bot, population=population.name, rate=rate, round=round_)
    run_dir = workdir / f"{population.name}-{rate:g}-{bot}-{round_}"
    run_dir.mkdir()
    api = BotApiEmulator(TOKEN)
    await api.start()
    env = bot_env(run_dir, seeded.admin_telegram_id, api.base_url)
    if bot == "samenbot":
        env.update(SAMEN_SEND_RATE=str(opts.send_rate), SAMEN_SEND_RATE_UNCHECKED="1")
        shutil.copyfile(seeded.path, run_dir / "samenbot.sqlite3")
        command = [sys.executable, "-m", "bot", "run"]
        cwd = opts.source
    else:
        env["BARE_DATABASE"] = str(run_dir / "bare.sqlite3")
        command = [sys.executable, str(HERE / "throughput_bare.py")]
        cwd = ROOT
    log_path = run_dir / "output.log"
    drained = False
    with log_path.open("wb") as log:
        spawned = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            *command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT)
        try:
            deadline = spawned + 60
            while api.first_poll_at is None:
                if proc.returncode is not None or time.perf_counter() > deadline:
                    raise BotDied(f"{bot} did not start polling")
                await asyncio.sleep(0.005)
            result.startup_s = api.first_poll_at - spawned
            drained = await _offer_load(api, proc, population, rate, opts, result)
            result.rss_mib = peak_rss_mib(proc.pid)
        except (BotDied, ProcessLookupError, FileNotFoundError) as exc:  # /proc/<pid> gone
            result.failure = f"{exc} (exit code {proc.returncode})\n{log_tail(log_path)}"
        finally:
            await stop_process(proc, graceful=drained)
            await api.close()
    result.unmatched, result.redelivered = api.unmatched_replies, api.redelivered
    result.polls, result.updates = api.calls["getUpdates"], len(api.injected_at)
    result.reply_texts = api.reply_texts.most_common(3)
    output = log_path.read_text(errors="replace")
    result.errors_logged = output.count(" ERROR ") + output.count("Traceback")
    return result


async def _offer_load(api: BotApiEmulator, proc: asyncio.subprocess.Process,
                      population: Population, rate: float, opts: argparse.Namespace,
                      result: Result) -> bool:
    """Injects at ``rate`` for warm-up + window, waits for the replies (at most ``drain`` s),
    and fills ``result``; True when every message was answered."""
    warm = round(opts.warmup * rate)
    total = warm + round(opts.duration * rate)
    users, texts, languages = population.users, population.texts, population.languages
    started = time.perf_counter()
    window_start = cpu_start = main_start = driver_start = busy_start = 0.0
    for i in range(total):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if proc.returncode is not None:
            raise BotDied("the bot exited during the run")
        if i == warm:
            window_start = time.perf_counter()
            cpu_start, driver_start = cpu_seconds(proc.pid), time.process_time()
            main_start = cpu_seconds(proc.pid, main_thread=True)
            busy_start = machine_busy_seconds()
        user = users[i % len(users)]
        api.inject(user, f"U{user % 100_000}", languages[i % len(languages)],
                   texts[i % len(texts)])
    delay = started + total / rate - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)
    window_end = time.perf_counter()
    cpu_end, driver_end = cpu_seconds(proc.pid), time.process_time()
    main_end = cpu_seconds(proc.pid, main_thread=True)
    busy_end = machine_busy_seconds()
    span = window_end - window_start
    result.cpu_pct = 100 * (cpu_end - cpu_start) / span
    result.main_thread_cpu_pct = 100 * (main_end - main_start) / span
    others = (busy_end - busy_start) - (cpu_end - cpu_start) - (driver_end - driver_start)
    result.others_cpu_pct = max(0.0, 100 * others / span)
    result.driver_cpu_pct = 100 * (driver_end - driver_start) / span
    result.replies_per_s = sum(window_start <= t <= window_end for t in api.replies_at) / span
    give_up = window_end + opts.drain
    while api.unanswered() and time.perf_counter() < give_up:
        if proc.returncode is not None:
            raise BotDied("the bot exited while answering")
        await asyncio.sleep(0.02)
    stopped = time.perf_counter()
    latencies, unanswered = [], 0
    for i in range(warm, total):
        answered, injected = api.answered_at[i], api.injected_at[i]
        if math.isnan(answered):
            unanswered += 1
            answered = stopped
        latencies.append((answered - injected) * 1000)
    order = sorted(range(len(latencies)), key=latencies.__getitem__)
    ranked = [latencies[k] for k in order]
    result.messages, result.unanswered = len(latencies), unanswered
    result.p50_ms, result.p99_ms = percentile(ranked, 0.50), percentile(ranked, 0.99)
    result.slowest = [(api.injected_at[warm + k] - api.first_poll_at, latencies[k])
                      for k in order[-SLOWEST:][::-1]]
    if unanswered:
        p99_rank = max(1, math.ceil(0.99 * len(ranked))) - 1
        result.p99_lower_bound = math.isnan(api.answered_at[warm + order[p99_rank]])
    return unanswered == 0 and api.unanswered() == 0


# the whole benchmark ------------------------------------------------------------------------------
def populations(seeded: Seeded, count: int, wanted: list[str]) -> list[Population]:
    rng = random.Random(11)
    members = list(seeded.resident_ids)
    rng.shuffle(members)
    found = {
        "strangers": Population(
            "strangers", tuple(STRANGER_BASE_ID + n for n in range(count)),
            ("Hallo, hoe kan ik meedoen?", "Hi, what is this bot?", "Goedemiddag"),
            ("nl", "en", "ar", "tr", "nl")),
        "members": Population("members", tuple(members[:count]),
                              ("/help", "Hoi! Ik wilde even iets vragen."), ("nl",)),
    }
    return [found[name] for name in wanted]


def print_rounds(results: list[Result]) -> None:
    """Per population and rate over the rounds: the median p50 and p99 of each bot, the ratio
    of the medians, and in how many rounds samenbot's p99 was within 1.2 times the bare bot's
    of the same round."""
    groups: dict[tuple[str, float], dict[int, dict[str, Result]]] = {}
    for r in results:
        if not r.failure:
            groups.setdefault((r.population, r.rate), {}).setdefault(r.round, {})[r.bot] = r
    for (population, rate), rounds in groups.items():
        pairs = [(b["bare"], b["samenbot"]) for b in rounds.values()
                 if "bare" in b and "samenbot" in b]
        if not pairs:
            continue
        bare_p99 = statistics.median(b.p99_ms for b, _ in pairs)
        samen_p99 = statistics.median(s.p99_ms for _, s in pairs)
        ratios = [s.p99_ms / b.p99_ms for b, s in pairs]
        print(f"{population} {rate:g}/s over {len(pairs)} rounds: median p50 bare "
              f"{statistics.median(b.p50_ms for b, _ in pairs):.1f} ms, samenbot "
              f"{statistics.median(s.p50_ms for _, s in pairs):.1f} ms; median p99 bare "
              f"{bare_p99:.1f} ms, samenbot {samen_p99:.1f} ms, ratio {samen_p99 / bare_p99:.2f}"
              + (" (goal at 50/s: at most 1.2)" if rate == 50 else "") + "; per round "
              + ", ".join(f"{x:.2f}" for x in ratios)
              + f"; within 1.2 in {sum(x <= 1.2 for x in ratios)} of {len(ratios)}")
    print()


def _ms(value: float, lower_bound: bool = False) -> str:
    if math.isnan(value):
        return "-"
    text = f"{value:,.0f}" if value >= 100 else f"{value:.1f}"
    return (">=" if lower_bound else "") + text


def _row(bare: Result | None, samen: Result | None, population: str, rate: float) -> str:
    def part(r: Result | None, extra: bool) -> str:
        if r is None:
            return f"{'':>9} {'':>8} {'':>9} {'':>4}" + (f" {'':>8} {'':>8}" if extra else "")
        if r.failure:
            return f"{'failed':>9} {'':>8} {'':>9} {'':>4}" + (
                f" {'':>8} {'':>8}" if extra else "")
        text = (f"{r.replies_per_s:9.1f} {_ms(r.p50_ms):>8} "
                f"{_ms(r.p99_ms, r.p99_lower_bound):>9} {r.cpu_pct:3.0f}%")
        if extra:
            text += f" {r.rss_mib:4.0f} MiB {r.startup_s:6.2f} s"
        return text

    ratio = "-"
    if bare and samen and not bare.failure and not samen.failure and bare.replies_per_s:
        ratio = f"{samen.replies_per_s / bare.replies_per_s:.2f}"
    return (f"{population:<10} {rate:7g} | {part(bare, False)} | {part(samen, True)} | "
            f"{ratio:>5}")


def print_table(results: list[Result], opts: argparse.Namespace, seeded: Seeded,
                seed_s: float, fsync: float) -> None:
    print()
    print(f"throughput: samenbot from {opts.source}; {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; "
          f"warm-up {opts.warmup:g} s, window {opts.duration:g} s, drain <= {opts.drain:g} s; "
          f"samenbot's database: {seeded.people:,} people, {seeded.items:,} needs and offers "
          f"(seeded in {seed_s:.1f} s)")
    print("latency: from injecting a message to its reply; CPU: % of one core over the window; "
          f"write + fsync here: {fsync:.2f} ms; samenbot's SAMEN_SEND_RATE {opts.send_rate:g}/s")
    print()
    print(f"{'':<10} {'offered':>7} | {'bare':<33} | {'samenbot':<51} | {'ratio':>5}")
    print(f"{'population':<10} {'msg/s':>7} | {'replies/s':>9} {'p50 ms':>8} {'p99 ms':>9} "
          f"{'CPU':>4} | {'replies/s':>9} {'p50 ms':>8} {'p99 ms':>9} {'CPU':>4} "
          f"{'peak RSS':>8} {'start-up':>8} | {'r/s':>5}")
    keys = []
    for r in results:
        if (r.population, r.rate, r.round) not in keys:
            keys.append((r.population, r.rate, r.round))
    by = {(r.population, r.rate, r.round, r.bot): r for r in results}
    for population, rate, round_ in keys:
        print(_row(by.get((population, rate, round_, "bare")),
                   by.get((population, rate, round_, "samenbot")), population, rate))
    print()
    if opts.repeat > 1:
        print_rounds(results)
    notes = []
    for r in results:
        where = f"{r.population} {r.rate:g}/s {r.bot}"
        if r.failure:
            notes.append(f"{where}: FAILED: {r.failure}")
            continue
        if r.unanswered:
            notes.append(f"{where}: {r.unanswered:,} of {r.messages:,} messages of the window "
                         f"still unanswered {opts.drain:g} s after it (counted with the time "
                         "they had waited)")
        if r.unmatched:
            notes.append(f"{where}: {r.unmatched} sendMessage calls to a chat with nothing "
                         "unanswered")
        if r.others_cpu_pct > OTHERS_WARNING_PCT:
            notes.append(f"{where}: other processes used {r.others_cpu_pct:.0f}% of a core "
                         "during the window: these figures are disturbed")
        if r.errors_logged:
            notes.append(f"{where}: {r.errors_logged} errors in the bot's log")
        if opts.verbose:
            notes.append(f"{where}: main thread {r.main_thread_cpu_pct:.0f}% of a core; "
                         f"{r.polls:,} getUpdates for {r.updates:,} updates, "
                         f"{r.redelivered} delivered again; replies "
                         + "; ".join(f"{n} x {text!r}" for text, n in r.reply_texts)
                         + "; slowest (s after its first getUpdates: ms) "
                         + ", ".join(f"{at:.2f}: {ms:.0f}" for at, ms in r.slowest))
    for note in notes:
        print("- " + note)
    samen = [r for r in results if r.bot == "samenbot" and not r.failure]
    if samen:
        starts = sorted(r.startup_s for r in samen)
        print(f"samenbot with {seeded.people:,} people and {seeded.items:,} needs and offers: "
              f"peak RSS {max(r.rss_mib for r in samen):.0f} MiB at most (goal: under 120), "
              f"start-up to the first getUpdates {percentile(starts, 0.5):.2f} s median, "
              f"{starts[-1]:.2f} s at most (goal: under 2)")
    ok = [r for r in results if not r.failure]
    if ok:
        print(f"benchmark driver (emulator and load) used at most "
              f"{max(r.driver_cpu_pct for r in ok):.0f}% of a core during a window, "
              f"other processes at most {max(r.others_cpu_pct for r in ok):.0f}%")


async def main(opts: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="samenbot-throughput-"))
    try:
        began = time.perf_counter()
        seeded = seed(workdir / "seed", people=opts.people, items=opts.items,
                      source=opts.source)
        seed_s = time.perf_counter() - began
        fsync = fsync_ms(workdir)
        results = []
        for population in populations(seeded, opts.users, opts.populations):
            for rate in opts.rates:
                for round_ in range(1, opts.repeat + 1):
                    # rounds alternate which bot goes first: a drift of the machine's noise
                    # over a few minutes does not favour one of them
                    for bot in opts.bots if round_ % 2 else opts.bots[::-1]:
                        result = await run_one(bot, population, rate, opts, workdir, seeded,
                                               round_)
                        results.append(result)
                    if opts.verbose or result.failure:
                        state = ("FAILED" if result.failure else
                                 f"{result.replies_per_s:.1f} replies/s, "
                                 f"p99 {_ms(result.p99_ms, result.p99_lower_bound)} ms, "
                                 f"CPU {result.cpu_pct:.0f}%")
                        print(f"  {population.name} {rate:g}/s {bot}: {state}", file=sys.stderr)
        print_table(results, opts, seeded, seed_s, fsync)
        print(f"total time {time.perf_counter() - began:.0f} s")
    finally:
        if opts.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="50 and 150 msg/s, 2 s warm-up, 6 s window, 4 s drain (< 2 min)")
    parser.add_argument("--rates", help="offered rates in messages/s, comma separated "
                        "(default 50,100,150)")
    parser.add_argument("--warmup", type=float, help="seconds of load before the window (5)")
    parser.add_argument("--duration", type=float, help="seconds of the measured window (20)")
    parser.add_argument("--drain", type=float,
                        help="seconds to wait for outstanding replies after the window (15)")
    parser.add_argument("--populations", default=",".join(POPULATIONS),
                        help="strangers,members (default both)")
    parser.add_argument("--bots", default=",".join(BOTS), help="bare,samenbot (default both)")
    parser.add_argument("--people", type=int, default=10_000, help="people in samenbot's db")
    parser.add_argument("--items", type=int, default=100_000, help="needs and offers in it")
    parser.add_argument("--users", type=int, default=10_000,
                        help="distinct senders per population (taken in turn)")
    parser.add_argument("--source", type=Path, default=ROOT,
                        help="the samenbot tree to run with `python -m bot` (default: this "
                        "one), e.g. an unchanged `git archive HEAD` to compare")
    parser.add_argument("--send-rate", type=float, default=10_000,
                        help="samenbot's SAMEN_SEND_RATE (default 10,000: no pacing, like the "
                             "bare bot and the emulator; in production it is 25, Telegram's "
                             "limit, and replies beyond it wait stored)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds per population and rate, alternating which bot goes "
                             "first; prints the medians and each round's p99 ratio")
    parser.add_argument("--keep", action="store_true", help="keep the databases and bot logs")
    parser.add_argument("--verbose", action="store_true", help="progress and reply texts")
    opts = parser.parse_args(argv)
    quick = {"rates": "50,150", "warmup": 2.0, "duration": 6.0, "drain": 4.0}
    full = {"rates": "50,100,150", "warmup": 5.0, "duration": 20.0, "drain": 15.0}
    for name, value in (quick if opts.quick else full).items():
        if getattr(opts, name) is None:
            setattr(opts, name, value)
    opts.rates = [float(r) for r in opts.rates.split(",") if r.strip()]
    opts.populations = [p.strip() for p in opts.populations.split(",") if p.strip()]
    opts.bots = [b.strip() for b in opts.bots.split(",") if b.strip()]
    for name, chosen, known in (("--populations", opts.populations, POPULATIONS),
                                ("--bots", opts.bots, BOTS)):
        if not chosen or set(chosen) - set(known):
            parser.error(f"{name} takes some of {','.join(known)}")
    if any(r <= 0 for r in opts.rates) or opts.duration <= 0 or opts.warmup < 0:
        parser.error("rates and --duration must be positive, --warmup not negative")
    opts.source = opts.source.resolve()
    if not (opts.source / "bot" / "__main__.py").is_file():
        parser.error(f"--source {opts.source} has no bot/__main__.py")
    if opts.repeat < 1:
        parser.error("--repeat must be at least 1")
    if opts.people < 300:
        parser.error("--people must be at least 300 (admin, trainers, organisers, residents)")
    return opts


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
