"""Runs medallion 3.0.0, OASIS's TAXII 2.1 reference server, for afc's TAXII tests.

One bug is worked around, nothing else is changed: medallion takes an object's own `version`
property for its TAXII version, so a collection holding an `extension-definition` (whose
`version` is the extension's, "2.0.0") answers every object listing with a 500. Here, for
STIX objects (which have a `type`; manifest records do not), the version is read from
`modified`, else `created`, else the time the object was added, as TAXII 2.1 says.

Usage: python medallion_run.py [medallion's own arguments: --host, --port, CONFIG_PATH]
"""
import sys

import medallion.backends.memory_backend
import medallion.common
import medallion.filters.basic_filter
from medallion.scripts.run import main

_original = medallion.common.find_att


def find_att(obj):
    if "type" in obj:
        for key in ("modified", "created", "_date_added"):
            if key in obj:
                return medallion.common.string_to_datetime(obj[key])
    return _original(obj)


for module in (medallion.common, medallion.filters.basic_filter, medallion.backends.memory_backend):
    module.find_att = find_att

sys.exit(main())
