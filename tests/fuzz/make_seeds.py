#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets, one directory per target.

The hand-written seeds of tests/fuzz/seeds/<target>/ are copied; when a
JSON-Schema-Test-Suite is given, seeds are made from its draft 4, 6 and 7
tests in each target's input format (see tests/fuzz/*_fuzzer.cpp):

  compile   a definition
  validate  a definition, a newline, a record
  pattern   a pattern, then NUL-separated strings to search
  format    a format's name, a newline, a string
  compare   a definition, a newline, another definition

Files are named by the SHA-1 of their content, as libFuzzer names its own.
"""
import argparse
import hashlib
import json
import pathlib
import shutil

TARGETS = ("compile", "validate", "pattern", "format", "compare")
DRAFTS = {
    "draft4": "http://json-schema.org/draft-04/schema#",
    "draft6": "http://json-schema.org/draft-06/schema#",
    "draft7": "http://json-schema.org/draft-07/schema#",
}


def compact(value):
    # Compact JSON never holds a raw newline: it can end a line of a seed.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def with_dialect(schema, draft):
    if isinstance(schema, dict) and "$schema" not in schema:
        return {"$schema": DRAFTS[draft], **schema}
    return schema


def patterns_in(value):
    """Every "pattern" string and patternProperties key in a definition."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if isinstance(v.get("pattern"), str):
                yield v["pattern"]
            if isinstance(v.get("patternProperties"), dict):
                yield from v["patternProperties"].keys()
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def strings_in(data):
    """The strings a pattern is searched in: a string, or an object's names."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return list(data.keys())
    return []


def formats_in(value):
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if isinstance(v.get("format"), str):
                yield v["format"]
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def suite_seeds(suite):
    seeds = {t: set() for t in TARGETS}
    for draft in DRAFTS:
        root = suite / "tests" / draft
        for path in sorted(root.rglob("*.json")):
            groups = json.loads(path.read_text(encoding="utf-8"))
            previous = None
            for group in groups:
                schema = with_dialect(group["schema"], draft)
                text = compact(schema)
                seeds["compile"].add(text)
                if previous is not None:
                    seeds["compare"].add(previous + "\n" + text)
                previous = text
                # A few records per schema keep the corpus small.
                for test in group["tests"][:3]:
                    seeds["validate"].add(text + "\n" + compact(test["data"]))
                subjects = [s for t in group["tests"] for s in strings_in(t["data"])]
                for pattern in patterns_in(group["schema"]):
                    seeds["pattern"].add("\0".join([pattern] + subjects))
                for name in formats_in(group["schema"]):
                    for test in group["tests"]:
                        if isinstance(test["data"], str):
                            seeds["format"].add(name + "\n" + test["data"])
                # The "regex" format's strings are patterns too.
                if "regex" in set(formats_in(group["schema"])):
                    for test in group["tests"]:
                        if isinstance(test["data"], str):
                            seeds["pattern"].add(test["data"])
    return seeds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hand", type=pathlib.Path, required=True)
    parser.add_argument("--suite", default="")
    parser.add_argument("--out", type=pathlib.Path, required=True)
    args = parser.parse_args()

    seeds = {t: set() for t in TARGETS}
    if args.suite:
        seeds = suite_seeds(pathlib.Path(args.suite))
    counts = []
    for target in TARGETS:
        out = args.out / target
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        contents = [s.encode("utf-8") for s in seeds[target]]
        hand = args.hand / target
        if hand.is_dir():
            contents += [p.read_bytes() for p in sorted(hand.iterdir()) if p.is_file()]
        names = set()
        for content in contents:
            name = hashlib.sha1(content).hexdigest()
            if name not in names:
                names.add(name)
                (out / name).write_bytes(content)
        counts.append(f"{target} {len(names)}")
    source = args.suite or "no JSON-Schema-Test-Suite"
    print(f"fuzz seeds ({source}): " + ", ".join(counts))


if __name__ == "__main__":
    main()
