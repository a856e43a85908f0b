#!/usr/bin/env python3
"""Writes every complete GitHub Actions workflow shown in the docs (a ```yaml block with `on:`
and `jobs:`) to OUT_DIR/NAME-N.yml, so that .ci/run can lint them like the repository's own.

    docs_workflows.py OUT_DIR README.md docs/ci.md ...
"""

import os
import re
import sys


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    count = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for n, block in enumerate(re.findall(r"```yaml\n(.*?)```", text, re.S)):
            if re.search(r"^on:", block, re.M) and re.search(r"^jobs:", block, re.M):
                name = os.path.basename(path).replace(".", "-")
                with open(os.path.join(out, f"{name}-{n}.yml"), "w", encoding="utf-8") as f:
                    f.write(block)
                count += 1
    print(count)


if __name__ == "__main__":
    main()
