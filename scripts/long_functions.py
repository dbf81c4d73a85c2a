#!/usr/bin/env python3
"""Lists functions in src/ longer than a limit (default 80 lines), longest first.

    scripts/long_functions.py [LIMIT]

A function's length counts from its `fn` line to its closing brace. Braces inside string and
char literals and comments are skipped; raw strings are not handled (none span braces in src/).
Test modules (`mod tests`) are skipped: the limit is for library code.
"""
import pathlib
import re
import sys

FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")


def braces(line):
    """Net `{` minus `}` of one line, outside literals and `//` comments."""
    depth, i, n = 0, 0, len(line)
    while i < n:
        c = line[i]
        if line.startswith("//", i):
            break
        if c == '"':
            i += 1
            while i < n and line[i] != '"':
                i += 2 if line[i] == "\\" else 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", line[i:]):
            i += len(re.match(r"'(\\.|[^\\'])'", line[i:]).group(0)) - 1
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    return depth


def functions(path):
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        if re.match(r"^\s*mod tests\b", lines[i]):
            return
        m = FN.match(lines[i])
        if m:
            depth, j, opened = 0, i, False
            while j < len(lines):
                d = braces(lines[j])
                opened = opened or "{" in lines[j]
                depth += d
                if lines[j].rstrip().endswith(";") and not opened:
                    break  # a declaration without a body
                if opened and depth <= 0:
                    yield m.group(6), i + 1, j - i + 1
                    break
                j += 1
        i += 1


def main():
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 80
    found = []
    for path in sorted(pathlib.Path("src").rglob("*.rs")):
        for name, line, length in functions(path):
            if length > limit:
                found.append((length, f"{path}:{line}", name))
    for length, where, name in sorted(found, reverse=True):
        print(f"{length:5} {where} {name}")


if __name__ == "__main__":
    main()
