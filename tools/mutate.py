"""slither-mutate (slither-analyzer 0.11.6) driven for this repository: `tools/mutate` runs it in a scratch copy.

Two things differ from `slither-mutate` as shipped, both about compiling with forge and the solcjs launcher
(`tools/solc`), which answers only `--version` and `--standard-json`:
- Slither's per-file analysis compiles through crytic-compile's standard-JSON platform with `tools/solc`
  (its default, the legacy `--combined-json` command line, is not something solcjs offers);
- each mutant is compiled with `forge build` under the `mutate` profile (legacy codegen, the project's remappings)
  instead of a bare crytic-compile of the one file, so a mutant that does not compile is told apart from one the
  tests kill.

Resuming a stopped run on unchanged code: `MUTATE_SKIP` lists mutators to leave out entirely (`RR`) or below a
line (`CR<276`), comma-separated, e.g. `MUTATE_SKIP='RR,CR<276'`. Skipped mutants are counted nowhere (like
mutants that do not compile); the record in docs/security.md says which runs were resumed and from where.
Re-judging code that changed after a run: `MUTATE_LINES='385-392,410-420'` judges only mutants on those lines.
"""

import os
import subprocess
import sys

import slither.tools.mutator.utils.testing_generated_mutant as testing

SKIP = ["--skip", "contracts/devnet/*", "--skip", "contracts/test/gas/*", "--skip", "contracts/test/symbolic/*"]


def compile_with_forge(file_path: str, mappings: str | None) -> bool:
    # forge 1.7.1 can exit 0 after "Compiler run failed": the output decides.
    run = subprocess.run(["forge", "build", *SKIP], capture_output=True, text=True, check=False)
    return run.returncode == 0 and "Compiler run successful" in run.stdout + run.stderr or (
        run.returncode == 0 and "No files changed" in run.stdout + run.stderr
    )


testing.compile_generated_mutant = compile_with_forge


def skip_rules(spec: str) -> dict[str, int]:
    """`RR,CR<276` -> {"RR": huge, "CR": 276}: a mutant of NAME on a line below the value is skipped."""
    rules = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, line = part.partition("<")
        rules[name] = int(line) if line else sys.maxsize
    return rules


def line_ranges(spec: str) -> list[tuple[int, int]]:
    """`385-392,400` -> [(385, 392), (400, 400)]; empty means every line."""
    ranges = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        low, _, high = part.partition("-")
        ranges.append((int(low), int(high or low)))
    return ranges


SKIP_RULES = skip_rules(os.environ.get("MUTATE_SKIP", ""))
ONLY_LINES = line_ranges(os.environ.get("MUTATE_LINES", ""))

import slither.tools.mutator.mutators.abstract_mutator as abstract  # noqa: E402

judge = abstract.test_patch


def test_unless_skipped(output_folder, file, patch, test_command, name, *rest):  # noqa: ANN001, ANN002
    # 2 is slither-mutate's "did not compile": the mutant is neither counted nor reported.
    line = patch["line_number"]
    if line < SKIP_RULES.get(name, 0) or ONLY_LINES and not any(lo <= line <= hi for lo, hi in ONLY_LINES):
        return 2
    return judge(output_folder, file, patch, test_command, name, *rest)


abstract.test_patch = test_unless_skipped

import slither.tools.mutator.__main__ as mutator  # noqa: E402  (after the patch)
from crytic_compile.platform.solc_standard_json import SolcStandardJson  # noqa: E402
from slither import Slither  # noqa: E402


def slither_of(filename: str, **_: object) -> Slither:
    """Slither on one source file, compiled as standard JSON by `tools/solc` (with the project's remapping)."""
    standard = SolcStandardJson()
    standard.add_source_file(filename)
    return Slither(standard, solc="tools/solc", solc_remaps=REMAPS)


REMAPS = "@openzeppelin/contracts/=node_modules/@openzeppelin/contracts/"
mutator.Slither = slither_of
main = mutator.main

if __name__ == "__main__":
    sys.argv = ["slither-mutate", *sys.argv[1:]]
    main()
