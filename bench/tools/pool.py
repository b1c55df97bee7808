#!/usr/bin/python3
"""Keeps a pool of fully answered draft self-assessments for the write scenarios and writes their
ids to a file for complete.lua / mix.lua ("uuid icb_code" lines, in random order).

The drafts are follow-ups of completed baselines in projects that are not closed, with every item
answered (the baseline's answers): exactly what POST /v1/self-assessments + PATCH would leave, but
made with one INSERT ... SELECT, because making a hundred thousand drafts through the API would
take longer than the benchmark itself. Completing one through the API then does all the real work
(scoring, change since baseline, recommended menu items, the outbox event).

    pool.py --db URL --need N --out FILE
Tops the pool up to N drafts (a VACUUM ANALYZE follows any insert) and prints a JSON line.
"""
import argparse
import json
import sys
import time

import psycopg


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--need", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    t = time.monotonic()
    with psycopg.connect(a.db, autocommit=True) as db:
        have = db.execute("SELECT count(*) FROM self_assessments WHERE status = 'draft'").fetchone()[0]
        add = max(0, a.need - have)
        if add:
            n_base = db.execute(
                "SELECT count(*) FROM self_assessments a JOIN projects p ON p.id = a.project_id"
                " WHERE a.kind = 'baseline' AND a.status = 'completed' AND p.status <> 'closed'").fetchone()[0]
            if n_base == 0:
                print("pool: no completed baseline in an open project", file=sys.stderr)
                return 1
            per = add // n_base + 1
            db.execute(
                "INSERT INTO self_assessments (project_id, urn, kind, template_version, responses, domain_notes,"
                " voice_themes)"
                " SELECT b.project_id, b.urn, 'follow_up', b.template_version, b.responses, b.domain_notes,"
                "        b.voice_themes"
                " FROM self_assessments b JOIN projects p ON p.id = b.project_id"
                " CROSS JOIN generate_series(1, %s) g"
                " WHERE b.kind = 'baseline' AND b.status = 'completed' AND p.status <> 'closed'"
                " LIMIT %s", (per, add))
            db.execute("VACUUM (ANALYZE) self_assessments")
        rows = db.execute(
            "SELECT a.id, p.icb_code FROM self_assessments a JOIN projects p ON p.id = a.project_id"
            " WHERE a.status = 'draft' ORDER BY md5(a.id::text)").fetchall()
    with open(a.out, "w") as f:
        f.writelines(f"{i} {c}\n" for i, c in rows)
    print(json.dumps({"had": have, "added": add, "pool": len(rows), "seconds": round(time.monotonic() - t, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
