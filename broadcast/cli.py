"""``flask schedule import FILE --programme-id N [--create-units]``: the yearly schedule from the
command line, with the same row checks as the upload on /plan (see broadcast/schedule.py)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from broadcast.models import Programme
from broadcast.schedule import ScheduleError, ScheduleFileError, import_schedule
from core.extensions import db

# An AppGroup runs its commands in an application context however they are invoked.
schedule_cli = AppGroup("schedule", help="The yearly on-air schedule.")


@schedule_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--programme-id", type=int, required=True, help="The programme the sessions belong to.")
@click.option("--create-units", is_flag=True, help="Create units the file names but the console lacks.")
def import_command(file: Path, programme_id: int, create_units: bool) -> None:
    """Import a schedule (.xlsx or .csv): every row, or nothing if any row is bad."""
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise click.ClickException(f"programme #{programme_id} does not exist")
    # No request here to choose a language: the station's default one names the errors.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            result = import_schedule(file.read_bytes(), file.name, programme, create_units=create_units)
        except ScheduleFileError as exc:
            raise click.ClickException(str(exc)) from exc
        except ScheduleError as exc:
            for error in exc.errors:
                click.echo(f"row {error.row}: {error.reason}", err=True)
            raise click.ClickException(f"{len(exc.errors)} problem(s); nothing was imported") from exc
    click.echo(f"imported {result.imported} session(s) into {programme.name}")
    for name in result.created_units:
        click.echo(f"created unit {name}")
