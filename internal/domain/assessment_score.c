/* Scoring a completed self-assessment (the rule is documented in domain/self_assessment.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/status.h"
#include "domain/self_assessment.h"
#include "domain/validate.h"

static double round2(double x)
{
  return round(x * 100.0) / 100.0;
}

int assessment_unanswered(const json_t *tmpl, const json_t *responses, json_t *errors)
{
  size_t i, j;
  json_t *domain, *item;
  int missing = 0;
  json_array_foreach(json_object_get(tmpl, "domains"), i, domain)
  {
    json_array_foreach(json_object_get(domain, "items"), j, item)
    {
      const char *key = json_string_value(json_object_get(item, "key"));
      if (!json_is_integer(json_object_get(responses, key))) {
        validate_error(errors, "/responses", key, "is not answered");
        missing++;
      }
    }
  }
  return missing;
}

int assessment_score(json_t **out, const json_t *tmpl, const json_t *responses, const json_t *baseline)
{
  size_t i, j;
  json_t *domain, *item;
  json_t *scores = json_object(), *results = json_object(), *priorities = json_array();
  double threshold = json_number_value(json_object_get(tmpl, "priority_threshold"));
  double sum = 0, ranked[16] = {0};
  const char *ranked_keys[16] = {0};
  size_t domains = 0;
  if (threshold <= 0)
    threshold = 2.5;
  json_array_foreach(json_object_get(tmpl, "domains"), i, domain)
  {
    double total = 0;
    size_t n = 0;
    json_array_foreach(json_object_get(domain, "items"), j, item)
    {
      json_t *v = json_object_get(responses, json_string_value(json_object_get(item, "key")));
      if (json_is_integer(v)) {
        total += (double)json_integer_value(v);
        n++;
      }
    }
    double score = n ? round2(total / (double)n) : 0;
    const char *key = json_string_value(json_object_get(domain, "key"));
    json_object_set_new(scores, key, json_real(score));
    sum += score;
    if (domains < 16) {
      ranked[domains] = score;
      ranked_keys[domains] = key;
    }
    domains++;
  }
  /* Priorities: below the threshold, lowest first (stable for equal scores), at most three. */
  for (size_t pick = 0; pick < ASSESSMENT_MAX_PRIORITIES; pick++) {
    size_t best = (size_t)-1;
    for (size_t d = 0; d < domains && d < 16; d++)
      if (ranked_keys[d] && ranked[d] < threshold && (best == (size_t)-1 || ranked[d] < ranked[best]))
        best = d;
    if (best == (size_t)-1)
      break;
    json_array_append_new(priorities, json_string(ranked_keys[best]));
    ranked_keys[best] = NULL;
  }
  json_object_set_new(results, "domain_scores", scores);
  json_object_set_new(results, "overall_score", json_real(domains ? round2(sum / (double)domains) : 0));
  json_object_set_new(results, "priority_threshold", json_real(threshold));
  json_object_set_new(results, "priority_domains", priorities);
  if (baseline) {
    json_t *change = json_object(), *before = json_object_get(baseline, "domain_scores"), *v;
    const char *key;
    json_object_foreach(scores, key, v)
    {
      json_t *b = json_object_get(before, key);
      if (json_is_number(b))
        json_object_set_new(change, key, json_real(round2(json_number_value(v) - json_number_value(b))));
    }
    json_object_set_new(results, "change_since_baseline", change);
    json_t *bo = json_object_get(baseline, "overall_score");
    if (json_is_number(bo))
      json_object_set_new(results, "overall_change",
                          json_real(round2(json_number_value(json_object_get(results, "overall_score")) -
                                           json_number_value(bo))));
  }
  *out = results;
  return PINS_OK;
}
