"""Running totals (project_totals, kept by triggers) agree with the rows they summarise, for every
project the suite has made by the time this file runs (it sorts after the files that enrol,
withdraw, re-enrol, commission and cancel); and the project columns the list filters on, kept
there too (migration 016), agree with the project's own, after every step the suite has taken."""

RECOUNT = """
SELECT p.id::text,
       coalesce(t.committed_pence, 0), coalesce((SELECT sum(cost_pence) FROM interventions i
                                                WHERE i.project_id = p.id AND i.status <> 'cancelled'), 0),
       coalesce(t.enrolled_new, 0), (SELECT count(*) FROM project_schools s
                                     WHERE s.project_id = p.id AND s.withdrawn_at IS NULL AND s.cohort = 'new'),
       coalesce(t.enrolled_embedding, 0), (SELECT count(*) FROM project_schools s WHERE s.project_id = p.id
                                           AND s.withdrawn_at IS NULL AND s.cohort = 'embedding'),
       coalesce(t.planned_pence, 0), coalesce((SELECT sum((l ->> 'amount_pence')::bigint) FROM delivery_plans dp,
                                              jsonb_array_elements(dp.funding_lines) l WHERE dp.project_id = p.id), 0),
       coalesce(t.released_pence, 0), coalesce((SELECT sum(amount_pence) FROM funding_releases r
                                               WHERE r.project_id = p.id), 0),
       (t.icb_code, t.financial_year, t.status)::text, (p.icb_code, p.financial_year, p.status)::text
FROM projects p LEFT JOIN project_totals t ON t.project_id = p.id
"""


def test_project_totals_match_a_recount(h):
    with h.db() as conn:
        rows = conn.execute(RECOUNT).fetchall()
        worked = conn.execute("SELECT count(*) FROM interventions WHERE status = 'cancelled'").fetchone()[0]
    assert len(rows) > 10, "the suite has made projects by now"
    assert worked > 0, "and cancelled some interventions"
    wrong = [r for r in rows if any(r[i] != r[i + 1] for i in (1, 3, 5, 7, 9, 11))]
    assert not wrong, ("(id, then kept and recounted: committed, new, embedding, planned, released; "
                       "then the list's keys and the project's): "
                       f"{wrong[:5]}")
