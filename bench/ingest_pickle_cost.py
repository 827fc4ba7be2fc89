"""What a second process for reading and mapping would save: their time against unpickling their output.

    python bench/ingest_pickle_cost.py /tmp/bench-ingest-XXXX/files     # the files of a bench/ingest.py --keep run

Reads and maps (``prepare_rows``, 10,000-row chunks) every file of the world's manifest, and times the
reading, the mapping, and loading the mapped rows back from a pickle, as ``Prepared`` objects and as plain
tuples: the part the importing process would still pay if another process did the first two (CPU seconds).
Then as the worker sends them (``prepare.pack``: JSON texts as plain strings) against the same tuples with
those texts as ``JsonText``, the ``str`` subclass the writer inserts as it is (``pack`` sent that until stop 39).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from regulator import create_app  # noqa: E402
from regulator.config import TestingConfig  # noqa: E402


def main() -> None:
    """Print the four CPU times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", type=Path, help="a folder with manifest.json (write_agency_files)")
    args = parser.parse_args()
    cfg = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    spent = dict.fromkeys(("read", "map", "unpickle_prepared", "unpickle_tuples", "unpickle_packed",
                           "unpickle_packed_jsontext"), 0.0)
    with create_app(cfg).app_context():
        from regulator.ingest.bulk import JsonText
        from regulator.ingest.mapping import load_mapping
        from regulator.ingest.pipeline import CHUNK_SIZE
        from regulator.ingest.prepare import pack, prepare_rows
        from regulator.ingest.readers import read_file

        for entry in json.loads((args.files / "manifest.json").read_text(encoding="utf-8"))["files"]:
            started = time.process_time()
            source = read_file(args.files / entry["path"])
            spent["read"] += time.process_time() - started
            fmap = load_mapping(entry["agency"]).for_file(Path(entry["path"]).name, source.headers, None)
            started = time.process_time()
            items = [item for at in range(0, len(source.rows), CHUNK_SIZE)
                     for item in prepare_rows(fmap, source.rows[at:at + CHUNK_SIZE])]
            spent["map"] += time.process_time() - started
            tuples = [(i.row_number, i.raw, i.content_hash, i.canonical, i.errors, i.findings, i.uscc_raw, i.uscc)
                      for i in items]
            packed = pack(items)
            subclassed = [(r[0], JsonText(r[1]), *r[2:4], None if r[4] is None else JsonText(r[4]), *r[5:])
                          for r in packed]
            for name, value in (("unpickle_prepared", items), ("unpickle_tuples", tuples),
                                ("unpickle_packed", packed), ("unpickle_packed_jsontext", subclassed)):
                data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                started = time.process_time()
                pickle.loads(data)  # noqa: S301 - our own bytes, just written
                spent[name] += time.process_time() - started
    print(" ".join(f"{k}={v:.2f}" for k, v in spent.items()))


if __name__ == "__main__":
    main()
