#!/usr/bin/env python3
"""The Python template connector (connectors/examples/python/catalog_connector.py) with faults on request, for the
fault tests of the thrift connector kind (tests/integration/thrift_connector_test.cpp). Not a template: a test tool.

    faulty_connector.py --examples DIR [faults] [serve options]

--pause-after-batches N  after N batches of a read, write our pid to --marker and sleep (hung; killed by the test)
--api-version N          say this protocol version in the spec
--garbage-spec           send a spec without its required fields (it does not parse)
--hang-spec              never answer spec()
--bad-field NAME         rename the first field of every read to NAME
--say TEXT               write TEXT to stderr when started
--dump FILE              at configure(), write our environment, argv and the secrets we were handed to FILE (JSON)
"""

import argparse
import json
import os
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--examples", required=True)
parser.add_argument("--pause-after-batches", type=int)
parser.add_argument("--marker")
parser.add_argument("--api-version", type=int)
parser.add_argument("--garbage-spec", action="store_true")
parser.add_argument("--hang-spec", action="store_true")
parser.add_argument("--bad-field")
parser.add_argument("--say")
parser.add_argument("--dump")
faults, rest = parser.parse_known_args()
sys.path.insert(0, faults.examples)

import syncline_connector  # noqa: E402
from catalog_connector import CatalogCsv  # noqa: E402


class FaultyCatalog(CatalogCsv):
    def __init__(self, settings, secrets, login_timeout_s, query_timeout_s):
        super().__init__(settings, secrets, login_timeout_s, query_timeout_s)
        if faults.dump:
            with open(faults.dump, "w", encoding="utf-8") as f:
                json.dump(dict(environ=dict(os.environ), argv=sys.argv, secrets=secrets), f)

    def open(self, stream, mode, cursor, overlap_seconds, cursor_limit):
        fields, batches = super().open(stream, mode, cursor, overlap_seconds, cursor_limit)
        if faults.bad_field:
            fields = [faults.bad_field] + fields[1:]
        return fields, self._paused(batches) if faults.pause_after_batches is not None else batches

    def _paused(self, batches):
        for number, batch in enumerate(batches):
            if number == faults.pause_after_batches:
                with open(faults.marker + ".tmp", "w", encoding="utf-8") as f:
                    f.write(str(os.getpid()))
                os.replace(faults.marker + ".tmp", faults.marker)
                time.sleep(3600)
            yield batch


class _FaultySpecHandler(syncline_connector._Handler):
    def spec(self, kind):
        if faults.hang_spec:
            time.sleep(3600)
        spec = super().spec(kind)
        if faults.api_version is not None:
            spec.api_version = faults.api_version
        if faults.garbage_spec:
            spec.kind = None
            spec.streams = None
            spec.capabilities = None
        return spec


syncline_connector._Handler = _FaultySpecHandler
if faults.say:
    print(faults.say, file=sys.stderr, flush=True)
syncline_connector.serve(FaultyCatalog, rest)
