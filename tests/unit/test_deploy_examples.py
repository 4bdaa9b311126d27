"""The deployment examples of docs/deploy/ parse, and agree with each other and with the application."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
from pathlib import Path

import pytest
from gunicorn.config import Config

from app import create_app
from app.config import ENV_KEYS
from app.web.access_log import PrivateAccessLogger

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy"


def _gunicorn() -> dict[str, object]:
    namespace: dict[str, object] = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    return {k: v for k, v in namespace.items() if not k.startswith("_") and not hasattr(v, "__spec__")}


def test_the_gunicorn_settings_are_gunicorns_and_log_no_query_strings():
    settings, config = _gunicorn(), Config()
    for name, value in settings.items():
        assert name in config.settings, f"not a gunicorn setting: {name}"
        config.set(name, value)  # gunicorn's own validation
    assert config.worker_class_str == "sync" and config.workers >= 3 and config.preload_app
    assert "%(U)s" in settings["access_log_format"]
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "{referer}i"):  # the request line, the query string, the referer
        assert leaky not in settings["access_log_format"]
    assert config.logger_class is PrivateAccessLogger


def test_the_access_logger_blanks_tokens_searches_and_referers_whatever_the_format():
    from datetime import timedelta
    from types import SimpleNamespace

    config = Config()
    config.set("logger_class", "app.web.access_log.PrivateAccessLogger")
    logger = config.logger_class(config)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/tra-cuu/SECRETtoken123/danh-gia?x=Nguyen", "SERVER_PROTOCOL":
               "HTTP/1.1", "PATH_INFO": "/tra-cuu/SECRETtoken123/danh-gia", "QUERY_STRING": "q=Nguyen+Van+Binh",
               "HTTP_REFERER": "https://motcua.example/ho-so?q=Nguyen+Van+Binh", "REMOTE_ADDR": "127.0.0.1"}
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    line = " ".join(str(v) for v in atoms.values())
    assert "SECRETtoken123" not in line and "Nguyen" not in line
    assert atoms["U"] == "/tra-cuu/-/danh-gia" and atoms["r"] == "GET /tra-cuu/-/danh-gia HTTP/1.1"


def _nginx(text: str) -> list:  # type: ignore[type-arg]
    """nginx's configuration as nested (directive, arguments, block or None); raises on a syntax error."""
    tokens = re.findall(r"'[^']*'|\"[^\"]*\"|[{};]|[^\s{};]+", re.sub(r"(?m)^\s*#.*$|\s#.*$", "", text))
    position = 0

    def block(closing: bool) -> list:  # type: ignore[type-arg]
        nonlocal position
        statements, words = [], []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == ";":
                assert words, "empty statement"
                statements.append((words[0], words[1:], None))
                words = []
            elif token == "{":
                assert words, "block without a directive"
                statements.append((words[0], words[1:], block(True)))
                words = []
            elif token == "}":
                assert closing and not words, "unbalanced } or a statement without ;"
                return statements
            else:
                words.append(token.strip("'\""))
        assert not closing and not words, "missing } or ;"
        return statements

    return block(False)


def _find(statements, name):  # type: ignore[no-untyped-def]
    for directive, arguments, children in statements:
        if directive == name:
            yield arguments, children
        if children:
            yield from _find(children, name)


def test_the_nginx_site_parses_proxies_to_gunicorn_and_logs_no_query_strings():
    site = _nginx((DEPLOY / "nginx.conf").read_text())
    bind = _gunicorn()["bind"]
    [(upstream_name, upstream)] = [(args[0], block) for args, block in _find(site, "upstream")]
    assert [args for args, _ in _find(upstream, "server")] == [[bind]]
    assert [args for args, _ in _find(site, "proxy_pass")] == [[f"http://{upstream_name}"]]
    [(log_format, _)] = list(_find(site, "log_format"))
    assert log_format[0] == "motcua" and "$motcua_uri" in " ".join(log_format)
    for leaky in ("$request ", "$request_uri", "$args", "$query_string", "$is_args", "$uri ", "$http_referer"):
        assert leaky not in " ".join(log_format) + " "
    # The logged path: a status link's token is replaced (the map, read as nginx applies it).
    [(variables, rules)] = [(args, block) for args, block in _find(site, "map")]
    assert variables == ["$uri", "$motcua_uri"]
    patterns = [(args[0][1:], args[1]) for directive, args, _ in rules if directive.startswith("~")
                for args in [[directive, *args]]]

    def logged(uri: str) -> str:
        return next((value for pattern, value in patterns if re.search(pattern, uri)), uri)

    assert logged("/tra-cuu/SECRETtoken/danh-gia") == "/tra-cuu/-" and logged("/ho-so/12") == "/ho-so/12"
    assert all(args[-1] == "motcua" for args, _ in _find(site, "access_log") if args != ["off"])
    assert [args for args, _ in _find(site, "client_max_body_size")] == [["2m"]]
    forwarded = {args[0]: args[1] for args, _ in _find(site, "proxy_set_header")}
    assert forwarded["X-Forwarded-For"] == "$remote_addr" and forwarded["X-Forwarded-Proto"] == "$scheme"
    [(alias, _)] = list(_find(site, "alias"))
    assert alias[0].endswith("/current/app/static/")
    assert (Path(__file__).resolve().parents[2] / "app" / "static").is_dir()


def test_nginx_rejects_what_the_parser_should_reject():
    for broken in ("server { listen 80 }", "server { listen 80; ", "location / { } }"):
        with pytest.raises(AssertionError):
            _nginx(broken)


def _unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / name).read_text())
    return parser


def _flask_command(app, words: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Assert ``flask --app app <words>`` names a command of this application."""
    assert words[:2] == ["--app", "app"], words
    command = app.cli
    for word in words[2:]:
        if not hasattr(command, "get_command"):
            break
        found = command.get_command(None, word)  # type: ignore[arg-type]
        assert found is not None, f"no such command: flask {' '.join(words)}"
        command = found


def test_the_systemd_units_and_the_cron_job_run_commands_that_exist(tmp_path):
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    env_files, work_dirs = set(), set()
    for name in ("motcua-web.service", "motcua-scheduler.service"):
        unit = _unit(name)
        assert {"Unit", "Service", "Install"} <= set(unit.sections())
        service = unit["Service"]
        assert service["Type"] in ("simple", "notify", "exec") and service["User"] == "motcua"
        assert service["Restart"] in ("always", "on-failure")
        words = shlex.split(service["ExecStart"])
        assert words[0].startswith("/srv/motcua/venv/bin/")
        if words[0].endswith("/gunicorn"):
            assert words[words.index("--config") + 1] == "/srv/motcua/gunicorn.conf.py"
            assert words[-1] == "wsgi:application"
            assert (DEPLOY.parents[1] / "wsgi.py").read_text().count("application") >= 1
        else:
            assert words[0].endswith("/flask")
            _flask_command(app, words[1:])
        assert "/srv/motcua/instance" in service["ReadWritePaths"]
        assert unit["Install"]["WantedBy"] == "multi-user.target"
        env_files.add(service["EnvironmentFile"])
        work_dirs.add(service["WorkingDirectory"])
    assert env_files == {"/etc/motcua/motcua.env"} and work_dirs == {"/srv/motcua/current"}

    jobs = [line for line in (DEPLOY / "motcua.cron").read_text().splitlines()
            if line.strip() and not line.startswith("#") and not re.match(r"^[A-Z_]+=", line)]
    assert len(jobs) == 2
    for line in jobs:
        minute, hour, day, month, weekday, user, command = line.split(None, 6)
        assert 0 <= int(minute) < 60 and 0 <= int(hour) < 24 and (day, month, weekday) == ("*", "*", "*")
        assert user == "motcua"
    backup = jobs[0].split(None, 6)[6]
    assert "/etc/motcua/motcua.env" in backup and "cd /srv/motcua/current" in backup
    _flask_command(app, shlex.split(backup.split("/srv/motcua/venv/bin/flask ", 1)[1]))
    assert (int(jobs[0].split()[1]), int(jobs[0].split()[0])) > (1, 30)  # after the retention job at 01:30
    with pytest.raises(AssertionError):  # the check can fail
        _flask_command(app, ["--app", "app", "scheduler", "start"])


def test_the_environment_and_instance_config_start_the_app_in_production(tmp_path, monkeypatch):
    pairs = [line.split("=", 1) for line in (DEPLOY / "motcua.env").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    for key, value in pairs:
        assert key in ENV_KEYS or key == "FLASK_APP", f"the app does not read {key}"
        monkeypatch.setenv(key, value)
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(DEPLOY / "config.py", instance / "config.py")
    app = create_app({"INSTANCE_PATH": str(instance)})
    assert app.config["MOTCUA_ENV"] == "production" and app.config["PROXY_COUNT"] == 1
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["DATABASE_URL"].startswith("postgresql")
    assert app.config["PUBLIC_BASE_URL"].startswith("https://")
    app.extensions["motcua.engine"].dispose()
