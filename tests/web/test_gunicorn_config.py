"""`web.gunicorn_config`: the web server's start-up objects leave the garbage collector's full
passes (a full pass over them held the GIL 120-145 ms in every web worker: the webhook tail), and
its settings (gthread, threads, a listening socket per worker) reach `recon serve` and a gunicorn
started with the module as its config alike."""

from __future__ import annotations

import gc
import weakref

import pytest

from web import gunicorn_config
from web.cli import serve as serve_module


class _Node:
    """A container the collector tracks, able to sit in a reference cycle."""

    def __init__(self) -> None:
        self.other: _Node | None = None


@pytest.fixture
def unfrozen():
    """Whatever a test freezes goes back to the collector (the test process must not keep it)."""
    assert gc.get_freeze_count() == 0
    yield
    gc.unfreeze()


@pytest.mark.parametrize("hook", [gunicorn_config.when_ready, gunicorn_config.post_worker_init])
def test_hooks_freeze_what_lives_and_free_start_up_garbage(hook, unfrozen):
    alive = _Node()
    garbage = _Node()
    garbage.other = _Node()
    garbage.other.other = garbage  # a cycle: only the collector frees it
    gone = weakref.ref(garbage)
    del garbage
    hook(object())
    assert gone() is None  # collected before the freeze, not frozen for the process's life
    assert gc.get_freeze_count() > 0
    tracked = {id(obj) for obj in gc.get_objects()}
    assert id(alive) not in tracked  # frozen: no full collection walks it any more
    later = _Node()
    assert id(later) in {id(obj) for obj in gc.get_objects()}  # new objects are collected as ever


def test_recon_serve_installs_the_hooks(cli, monkeypatch):
    seen = {}
    monkeypatch.setattr(serve_module.GunicornApp, "run", lambda self: seen.update(self.options))
    assert cli("serve", "--port", "8124").exit_code == 0
    assert seen["when_ready"] is gunicorn_config.when_ready
    assert seen["post_worker_init"] is gunicorn_config.post_worker_init
    assert seen["worker_class"] == "gthread"
    assert seen["threads"] == gunicorn_config.THREADS
    assert seen["reuse_port"] is True


def test_recon_serve_threads_option_overrides_the_default(cli, monkeypatch):
    seen = {}
    monkeypatch.setattr(serve_module.GunicornApp, "run", lambda self: seen.update(self.options))
    assert cli("serve", "--port", "8124", "--threads", "8").exit_code == 0
    assert seen["threads"] == 8


def test_gunicorn_takes_the_module_as_its_config():
    """``gunicorn -c python:web.gunicorn_config`` (the benchmark's command) sets both hooks."""
    from gunicorn.app.base import Application
    from gunicorn.config import Config

    app = Application.__new__(Application)  # no command line parsed: only the loader is used
    app.cfg = Config()
    app.load_config_from_module_name_or_filename("python:web.gunicorn_config")
    assert app.cfg.when_ready is gunicorn_config.when_ready
    assert app.cfg.post_worker_init is gunicorn_config.post_worker_init
    assert app.cfg.worker_class_str == "gthread"
    assert app.cfg.threads == gunicorn_config.THREADS
    assert app.cfg.reuse_port is True
