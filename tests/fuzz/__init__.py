"""Hostile inputs, mutation strategies and (optional) atheris harnesses for apexlint.

`inputs` is shared by the robustness, property and determinism tests; `harness` runs the
property tests under atheris when it is installed and `APEXLINT_FUZZ=1` is set.
"""
