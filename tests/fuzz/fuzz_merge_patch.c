/* RFC 7396 JSON merge patch (refdata_merge_patch in internal/domain/refdata.c). The input is two
 * JSON texts, the target then the patch (when only one parses, it is patched onto itself's copy).
 * After merging: every member the patch sets null is gone, every non-object member equals the
 * patch's, object members are merged recursively; and merging the same patch again changes
 * nothing (merge patch is idempotent). */
#include "fuzz.h"

#include <jansson.h>

#include "domain/refdata.h"

static void check_merged(const json_t *merged, const json_t *patch)
{
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)patch, k, v)
  {
    json_t *got = json_object_get(merged, k);
    if (json_is_null(v))
      FUZZ_ASSERT(got == NULL);
    else if (json_is_object(v)) {
      FUZZ_ASSERT(json_is_object(got));
      check_merged(got, v);
    } else
      FUZZ_ASSERT(json_equal(got, v));
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  json_error_t err;
  const size_t flags = JSON_REJECT_DUPLICATES | JSON_DECODE_ANY;
  json_t *target = json_loadb((const char *)data, size, flags | JSON_DISABLE_EOF_CHECK, &err);
  if (!target) return 0;
  size_t used = (size_t)err.position;
  json_t *patch = used < size ? json_loadb((const char *)data + used, size - used, flags, NULL) : NULL;
  if (!patch) patch = json_deep_copy(target);
  if (json_is_object(target) && json_is_object(patch)) {
    refdata_merge_patch(target, patch);
    check_merged(target, patch);
    json_t *once = json_deep_copy(target);
    refdata_merge_patch(target, patch);
    FUZZ_ASSERT(json_equal(once, target));
    json_decref(once);
    char *text = json_dumps(target, JSON_COMPACT);
    FUZZ_ASSERT(text != NULL);
    free(text);
  }
  json_decref(patch);
  json_decref(target);
  return 0;
}
