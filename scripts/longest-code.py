#!/usr/bin/env python3
"""Usage: python3 scripts/longest-code.py [CHECKOUT]

Longest functions and modules of a checkout (Rust and TypeScript, tests excluded): a function runs
from its signature line to the closing brace at the signature's indentation."""
import re, sys, subprocess, os
root = sys.argv[1] if len(sys.argv) > 1 else "."
files = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True).stdout.split()
src = [f for f in files if (f.endswith(".rs") or f.endswith(".ts")) and "/tests/" not in f and not f.endswith(".test.ts") and "bindings.ts" not in f and not f.startswith("fuzz/") and "test-helpers" not in f]
fn_re = re.compile(r"^(\s*)(?:pub(?:\([a-z]+\))? )?(?:async )?(?:export )?(?:async )?(?:fn|function) ([A-Za-z_0-9]+)")
funcs, mods = [], []
for f in src:
    lines = open(os.path.join(root, f)).read().split("\n")
    # a module ends where its inline tests begin
    end = next((i for i, l in enumerate(lines) if l.startswith("#[cfg(test)]")), len(lines))
    mods.append((end, f))
    for i, l in enumerate(lines[:end]):
        m = fn_re.match(l)
        if not m or l.rstrip().endswith(";"):
            continue
        indent = m.group(1)
        for j in range(i + 1, end):
            if lines[j].startswith(indent + "}") and not lines[j].startswith(indent + "} else"):
                funcs.append((j - i + 1, f"{f}::{m.group(2)}"))
                break
funcs.sort(reverse=True); mods.sort(reverse=True)
print("longest functions:", "; ".join(f"{n} lines {name}" for n, name in funcs[:5]))
print("longest modules:", "; ".join(f"{n} lines {name}" for n, name in mods[:5]))
