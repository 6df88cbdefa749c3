"""The two lists perfbot keeps on the SharePoint site, column by column (display titles)."""

from __future__ import annotations

from dataclasses import dataclass

from office365.sharepoint.fields.creation_information import FieldCreationInformation
from office365.sharepoint.fields.type import FieldType


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    kind: FieldType
    description: str = ""
    choices: tuple[str, ...] = ()

    def creation(self) -> FieldCreationInformation:
        choices = list(self.choices) if self.kind is FieldType.Choice else None
        return FieldCreationInformation(Title=self.title, FieldTypeKind=self.kind,
                                        Description=self.description or None, Choices=choices)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ListSpec:
    title: str
    description: str
    columns: tuple[Column, ...]


RETURNS = ListSpec("Performance Returns", "One row per measure per quarter. Fill in Value, "
                   "Commentary and Remedial action; perfbot checks each row and sets its Status.", (
    Column("Measure ID", FieldType.Text),
    Column("Period", FieldType.Text, "The quarter, e.g. 2025/26 Q3"),
    Column("Owner", FieldType.Text, "The owner's e-mail address"),
    Column("Target", FieldType.Text),
    Column("Last value", FieldType.Text, "Last quarter's figure"),
    Column("Due", FieldType.DateTime),
    Column("Value", FieldType.Text, "This quarter's figure"),
    Column("Commentary", FieldType.Note, "Required when off target"),
    Column("Remedial action", FieldType.Note, "Required when red"),
    Column("Confirm figure", FieldType.Boolean, "Set to Yes if perfbot asks you to confirm an unusual figure"),
    Column("Status", FieldType.Text, "Set by perfbot: Accepted, or what needs fixing"),
    Column("RAG", FieldType.Text, "Set by perfbot"),
))  # fmt: skip

CASE_STUDIES = ListSpec("Case Studies", "Work that made a difference, for the annual report. "
                        "perfbot picks up each new row and sets its Status.", (
    Column("Theme", FieldType.Choice, "The Corporate Plan theme"),
    Column("Service", FieldType.Choice),
    Column("What happened", FieldType.Note),
    Column("Impact", FieldType.Note, "The difference it made"),
    Column("Consent to publish", FieldType.Boolean, "May the council publish it?"),
    Column("Contact email", FieldType.Text, "Your work e-mail address"),
    Column("Status", FieldType.Text, "Set by perfbot"),
))  # fmt: skip
