"""Command-line interface: ``flask db …``, ``flask demo``, ``flask create-admin``, ``flask sweep``,
``flask outbox send``, ``flask scheduler run``, ``flask retention run``, ``flask exports run``, ``flask iso-pack``, ``flask backup``,
``flask restore``."""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    """Add the project's commands to ``flask``."""
    from app.cli.accounts import create_admin_command
    from app.cli.api_tokens import api_token_group
    from app.cli.backup import backup_command, restore_command
    from app.cli.catalogue import catalogue_group
    from app.cli.org import units_group, users_group
    from app.cli.db import db_group
    from app.cli.demo import demo_command
    from app.cli.iso import iso_pack_command
    from app.cli.jobs import exports_group, outbox_group, retention_group, scheduler_group, sweep_command
    from app.cli.portal import portal_group

    app.cli.add_command(db_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(api_token_group)
    app.cli.add_command(sweep_command)
    app.cli.add_command(outbox_group)
    app.cli.add_command(scheduler_group)
    app.cli.add_command(retention_group)
    app.cli.add_command(exports_group)
    app.cli.add_command(iso_pack_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(portal_group)
    app.cli.add_command(catalogue_group)
    app.cli.add_command(units_group)
    app.cli.add_command(users_group)
