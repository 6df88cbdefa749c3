"""`perfbot sharepoint provision`: create the lists and their columns, idempotently.

Lists and columns that already exist are left alone (never renamed, emptied or re-typed), so it
is safe to run again, e.g. after adding a column in a new perfbot version. The case-study list's
Theme and Service columns offer the register's themes and services as choices (plain text when
the register is still empty).
"""

from __future__ import annotations

from dataclasses import replace

from office365.sharepoint.fields.type import FieldType

from bot.sharepoint.client import SharePointClient
from bot.sharepoint.schema import CASE_STUDIES, RETURNS, Column, ListSpec
from perfbot.store import Store


def provision(client: SharePointClient, store: Store) -> list[str]:
    """Create whatever is missing; returns what was created (empty when all was there)."""
    measures = store.register.measures()
    choices = {"Theme": sorted({m.theme for m in measures}), "Service": sorted({m.service for m in measures})}
    created: list[str] = []
    for spec in (RETURNS, CASE_STUDIES):
        if not client.list_exists(spec.title):
            client.create_list(spec.title, spec.description)
            created.append(f"list '{spec.title}'")
        created += _columns(client, spec, choices)
    return created


def _columns(client: SharePointClient, spec: ListSpec, choices: dict[str, list[str]]) -> list[str]:
    have = client.columns(spec.title)
    added = []
    for column in spec.columns:
        if column.title in have:
            continue
        client.add_column(spec.title, _with_choices(column, choices.get(column.title, [])).creation())
        added.append(f"column '{column.title}' in '{spec.title}'")
    return added


def _with_choices(column: Column, options: list[str]) -> Column:
    if column.kind is not FieldType.Choice:
        return column
    if not options:
        return replace(column, kind=FieldType.Text)
    return replace(column, choices=tuple(options))
