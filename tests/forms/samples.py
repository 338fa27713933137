"""A small, valid form definition used as the starting point of loader and validation tests."""

from __future__ import annotations

from forms.loader import load_form_text
from forms.model import FormDefinition

BASE = """\
id: contoh
version: 1
title: {id: Formulir contoh, en: Sample form}
org_unit_level: puskesmas
sections:
  - code: kasus
    title: {id: Kasus, en: Cases}
    fields:
      - code: isolasi_total
        label: {id: Tempat isolasi, en: Isolation beds}
        type: integer
        max: 100
        stock: true
      - code: isolasi_terisi
        label: {id: Isolasi terisi, en: Isolation occupied}
        type: integer
        required: true
      - code: kumulatif
        label: {id: Kumulatif, en: Running total}
        type: integer
        cumulative: true
      - code: suhu
        label: {id: Suhu ruang, en: Room temperature}
        type: decimal
        min: -10
        max: 45.5
  - code: lain
    title: {id: Lain-lain, en: Other}
    fields:
      - code: padam
        label: {id: Listrik padam, en: Power cut}
        type: yesno
      - code: status
        label: {id: Status layanan, en: Service status}
        type: choice
        choices:
          - code: buka
            label: {id: Buka, en: Open}
          - code: tutup
            label: {id: Tutup, en: Closed}
      - code: catatan
        label: {id: Catatan, en: Notes}
        type: text
rules:
  - id: terisi-maks
    expr: isolasi_terisi <= isolasi_total
    message:
      id: "Terisi {isolasi_terisi} melebihi {isolasi_total}."
      en: "Occupied {isolasi_terisi} exceeds {isolasi_total}."
"""


def base_form() -> FormDefinition:
    return load_form_text(BASE, "contoh.yaml")


def with_rules(rules_yaml: str) -> str:
    """BASE with extra rules appended (``rules_yaml`` is the list items, indented 2)."""
    return BASE + rules_yaml
