"""slither-mutate (slither-analyzer 0.11.6) driven for this repository: `tools/mutate` runs it in a scratch copy.

Two things differ from `slither-mutate` as shipped, both about compiling with forge and the solcjs launcher
(`tools/solc`), which answers only `--version` and `--standard-json`:
- Slither's per-file analysis compiles through crytic-compile's standard-JSON platform with `tools/solc`
  (its default, the legacy `--combined-json` command line, is not something solcjs offers);
- each mutant is compiled with `forge build` under the `mutate` profile (legacy codegen, the project's remappings)
  instead of a bare crytic-compile of the one file, so a mutant that does not compile is told apart from one the
  tests kill.
"""

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
