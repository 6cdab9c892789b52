"""Build hook: refuse to build a wheel whose parser tables are older than the grammar.

tensorsh/lang/grammar_tables.py is compiled from grammar/tensorsh.lark by
scripts/build_parser_tables.py (with Lark) and committed, so that neither an install
nor a run needs Lark. This hook only compares the grammar's SHA-256 with the one the
tables were made from; it needs nothing beyond the standard library.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        root = Path(self.root)
        grammar = root / "grammar" / "tensorsh.lark"
        tables = root / "tensorsh" / "lang" / "grammar_tables.py"
        if not grammar.exists():  # building from a wheel-only tree: the tables are all there is
            return
        found = re.search(r"^GRAMMAR_SHA256 = '([0-9a-f]{64})'$", tables.read_text(encoding="utf-8"), re.M)
        digest = hashlib.sha256(grammar.read_bytes()).hexdigest()
        if found is None or found.group(1) != digest:
            raise RuntimeError("tensorsh/lang/grammar_tables.py is stale: run "
                               "`python scripts/build_parser_tables.py` (needs lark) and commit the result")
