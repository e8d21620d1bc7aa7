"""Flask commands: db, demo, courses, users, privacy, backup, restore."""

from __future__ import annotations

import re
import secrets
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from learnapp import content
from learnapp.access import ROLES
from learnapp.accounts import UMLAUTS
from learnapp.auth import throttle
from learnapp.auth.passwords import password_problem
from learnapp.backup import backup_command, restore_command
from learnapp.clock import local_now
from learnapp.content.check import check_library
from learnapp.content.due import DEFAULT_MONTHS, due_items
from learnapp.content.facts import app_register, check_citations
from learnapp.content.handout import handout_problems
from learnapp.content.new_lesson import new_lesson_text
from learnapp.content.quiz_cues import library_cues
from learnapp.content.reload import touch_stamp
from learnapp.coordinate import retention
from learnapp.db import get_session
from learnapp.demo import load_demo
from learnapp.demo_large import generate
from learnapp.display_names import display_name_problem
from learnapp.models import Centre, User
from learnapp.models.base import utcnow

# The db commands import learnapp.migrate when they run: alembic weighs about 10 MB in every
# process that imports it, and a gunicorn worker never needs it (tests/test_start_weight.py).
db_cli = AppGroup("db", help="Database commands.")
demo_cli = AppGroup("demo", help="Demo data for trying the app.")
courses_cli = AppGroup("courses", help="Tools for course authors.")
users_cli = AppGroup("users", help="User accounts.")
privacy_cli = AppGroup("privacy", help="Data protection: accounts unused for a long time.")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create the database or bring it up to the newest schema."""
    from learnapp import migrate  # alembic: only when a db command runs

    migrate.upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database is up to date.")


@db_cli.command("current")
def db_current() -> None:
    """Show which migration the database is at; exit 1 when an upgrade is due."""
    from learnapp import migrate  # alembic: only when a db command runs

    state = migrate.revisions(current_app.config["DATABASE_URL"])
    click.echo(f"Database: {', '.join(state.current) or 'empty (never migrated)'}")
    click.echo(f"Newest migration: {state.newest or 'none'}")
    if not state.up_to_date:
        click.echo("Not up to date: run 'flask db upgrade'.")
        sys.exit(1)
    click.echo("Database is up to date.")


@db_cli.command("rebuild-figures")
def db_rebuild_figures() -> None:
    """Compute the staff pages' kept figures anew from every answer, progress row and session
    (after rows were written with SQL past the app; the app keeps them itself)."""
    from learnapp import rollups

    session = get_session()
    rollups.rebuild(session.connection())
    session.commit()
    click.echo("The staff pages' figures are computed anew.")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
@click.confirmation_option(
    "--yes", prompt="Going back removes the data of the undone migrations. Go on?"
)
def db_downgrade(revision: str) -> None:
    """Go back one migration, or to REVISION (a migration id such as 0004, or base)."""
    from learnapp import migrate  # alembic: only when a db command runs

    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    state = migrate.revisions(current_app.config["DATABASE_URL"])
    click.echo(f"Database is now at: {', '.join(state.current) or 'base (empty)'}")


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does, in a few words.")
@click.option(
    "--autogenerate/--empty",
    default=True,
    show_default=True,
    help="Compare the models with the database (upgraded to the newest migration first).",
)
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new migration file in migrations/versions/ (see docs/migrations.md)."""
    from learnapp import migrate  # alembic: only when a db command runs

    path = migrate.new_revision(current_app.config["DATABASE_URL"], message, autogenerate)
    click.echo(f"Created {path}: read it through before you commit it.")


@demo_cli.command("load")
@click.option("--large", is_flag=True, help="Also add a big data set (a busy centre).")
@click.option("--centres", default=1, show_default=True, help="With --large: centres.")
@click.option("--mentors", default=25, show_default=True, help="With --large: mentors.")
@click.option("--learners", default=500, show_default=True, help="With --large: learners.")
@click.option("--seed", default=2026, show_default=True, help="With --large: random seed.")
def demo_load(large: bool, centres: int, mentors: int, learners: int, seed: int) -> None:
    """Create a demo centre, learner, mentor and coordinator, and print their sign-ins."""
    if not (current_app.debug or current_app.config["DEMO_MODE"]):
        raise click.ClickException(
            "Demo data is only loaded in debug or demo mode (LEARNAPP_DEMO_MODE=true)."
        )
    session, library = get_session(), content.get_library()
    for role, username, password in load_demo(session, library):
        click.echo(f"{role}: {username} / {password}")
    if large:
        if session.scalars(select(User.id).where(User.username == "c1")).first():
            raise click.ClickException("The large data set is loaded already.")
        data = generate(
            session,
            library,
            centres=max(1, centres),
            mentors=max(1, mentors),
            learners=max(1, learners),
            seed=seed,
        )
        click.echo(
            f"large data set: {data.centres} centres, {data.mentors} mentors, "
            f"{data.learners} learners, {data.progress_rows} progress rows, "
            f"{data.quiz_rows} self-check answers, {data.sessions} tandem sessions"
        )
        click.echo(f"coordinator: c1 / {data.password}")
        click.echo(f"mentor: m1 / {data.password}")
        click.echo(f"learner: l1 / {data.password}")


@courses_cli.command("check")
def courses_check() -> None:
    """Check every course in every language folder; exit non-zero when something must be fixed."""
    library = content.library_to_check(current_app)
    report = check_library(library, tuple(current_app.config["LANGUAGES"]))
    report.problems.extend(check_citations(library, app_register()))
    report.problems.extend(handout_problems(library))
    report.problems.sort(key=lambda problem: (problem.display_path, problem.line))
    for problem in report.problems:
        click.echo(str(problem))
    for (lang, lesson_id), figure in sorted(report.readability.items()):
        click.echo(f"readability {lang} {lesson_id}: {figure}")
    for cues in library_cues(library):
        for line in cues.lines():
            click.echo(line)
    lessons = sum(len(c.all_lesson_ids) for c in library.courses.values())
    drafts = sum(len(c.draft_ids) for c in library.courses.values())
    click.echo(
        f"{len(library.courses)} courses, {lessons} lessons ({drafts} drafts): "
        f"{len(report.errors)} errors, {len(report.warnings)} warnings."
    )
    if report.errors:
        sys.exit(1)


@courses_cli.command("reload")
def courses_reload() -> None:
    """Make every running worker read the courses anew at its next request."""
    path = touch_stamp(current_app)
    click.echo(f"Touched {path}: every worker reads the courses anew at its next request.")


@courses_cli.command("due")
@click.option("--months", default=DEFAULT_MONTHS, show_default=True, type=click.IntRange(0, 600))
def courses_due(months: int) -> None:
    """List lessons and facts not checked for MONTHS months (or never)."""
    items = due_items(content.get_library(), app_register(), months, local_now().date())
    for item in items:
        checked = item.checked.isoformat() if item.checked else "never checked"
        click.echo(f"{item.kind} {item.id} ({item.where}): {checked}")
    click.echo(f"{len(items)} due for a re-check (older than {months} months).")


@courses_cli.command("new")
@click.argument("course_id")
@click.argument("title")
@click.option("--lang", default=None, help="Language folder (default: the default language).")
def courses_new(course_id: str, title: str, lang: str | None) -> None:
    """Create a lesson file with the right front matter and a fresh id."""
    library = content.get_library()
    course = library.courses.get(course_id)
    if course is None:
        known = ", ".join(sorted(library.courses)) or "none"
        raise click.ClickException(f"No course '{course_id}'. Courses: {known}.")
    lang = lang or library.default_lang
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower().translate(UMLAUTS)).strip("-")[:40] or "lesson"
    lesson_id = f"{course.id}-{slug}-{secrets.token_hex(2)}"
    order = 1 + max(
        (lesson.order for v in course.lessons.values() for lesson in v.values()), default=0
    )
    folder = course.folder / lang
    folder.mkdir(exist_ok=True)
    path = folder / f"{order:02d}-{slug}.md"
    if path.exists():
        raise click.ClickException(f"{path} exists already.")
    path.write_text(new_lesson_text(lang, lesson_id, title, order), encoding="utf-8")
    click.echo(f"Created the draft {path} with id {lesson_id}")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
@click.option("--name", "display_name", default=None, help="Name shown in the app.")
@click.option("--centre", "centre_id", type=int, default=None, help="Id of the centre.")
@click.password_option()
def users_create(
    username: str, role: str, display_name: str | None, centre_id: int | None, password: str
) -> None:
    """Create a user account."""
    session = get_session()
    username = username.strip().lower()
    if session.scalars(select(User).where(User.username == username)).first():
        raise click.ClickException(f"User '{username}' exists already.")
    if centre_id is not None and session.get(Centre, centre_id) is None:
        raise click.ClickException(f"No centre with id {centre_id}.")
    display_name = display_name if display_name is not None else username
    problem = display_name_problem(display_name) or password_problem(password, username=username)
    if problem:
        raise click.ClickException(problem)
    user = User(
        username=username, display_name=display_name.strip(), role=role, centre_id=centre_id
    )
    user.set_password(password)
    session.add(user)
    session.commit()
    click.echo(f"Created {role} '{username}'.")


@users_cli.command("unlock")
@click.argument("username")
def users_unlock(username: str) -> None:
    """Lift the pause on a username after too many wrong passwords."""
    throttle.unlock(username)
    click.echo(f"'{username}' can sign in again.")


@privacy_cli.command("purge")
@click.option(
    "--months",
    type=click.IntRange(min=1),
    default=None,
    help="Months without sign-in (default: the setting RETENTION_INACTIVE_MONTHS).",
)
@click.option("--dry-run", is_flag=True, help="Only list what would be anonymised.")
def privacy_purge(months: int | None, dry_run: bool) -> None:
    """Anonymise learner and mentor accounts nobody has used for a long time."""
    months = months or int(current_app.config["RETENTION_INACTIVE_MONTHS"])
    session = get_session()
    now = utcnow()
    if dry_run:
        due = retention.due_accounts(session, months, now)
        for user in due:
            click.echo(f"would anonymise {user.role} {user.id} ({user.username})")
        click.echo(f"{len(due)} accounts unused for {months} months or more.")
        return
    done = retention.purge(session, months, now)
    session.commit()
    for role, user_id in done:
        click.echo(f"anonymised {role} {user_id}")
    click.echo(f"{len(done)} accounts unused for {months} months or more are anonymised.")


def init_app(app: Flask) -> None:
    for group in (db_cli, demo_cli, courses_cli, users_cli, privacy_cli):
        app.cli.add_command(group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
