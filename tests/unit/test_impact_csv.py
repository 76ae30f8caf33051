"""The impact CSV: quoted as the csv module reads it back, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from lineage_graph.query.impact_view import CSV_COLUMNS, Impact, ImpactRow


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_would_be_a_formula_is_text(start: str) -> None:
    risky = f'{start}cmd|" /C calc"!A0, "quoted"\nline'
    row = ImpactRow(f"arn:x:{start}", risky, "Artifact", risky, 3, risky, "SageMaker")
    text = Impact("s3://b/", "s3://b/", {"datasets": [row], "jobs": []}).as_csv()
    header, line = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(header) == CSV_COLUMNS
    assert line == ["datasets", "'" + risky, "Artifact", "'" + risky, "3", "'" + risky, f"arn:x:{start}"]


def test_plain_cells_and_empty_ones_are_as_they_are() -> None:
    row = ImpactRow("arn:aws:sagemaker:us-east-1:1:artifact/a", "a", "Artifact", None, 1, None, "SageMaker")
    text = Impact("s3://b/", "s3://b/", {"models": [row]}).as_csv()
    assert text.splitlines()[1] == "models,a,Artifact,,1,,arn:aws:sagemaker:us-east-1:1:artifact/a"
