/* Unit tests for internal/core/base64url.c: RFC 4648 section 10 test vectors in the url-safe
 * alphabet without padding, and the decoder's refusals (padding, standard base64, nonzero unused
 * bits: each byte string has one spelling). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base64url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
  const char *raw;
  size_t len;
  const char *enc;
} vectors[] = {
#define V(raw, enc)                                                                                          \
  {                                                                                                          \
    raw, sizeof(raw) - 1, enc                                                                                \
  }
    V("", ""),
    V("f", "Zg"),
    V("fo", "Zm8"),
    V("foo", "Zm9v"),
    V("foob", "Zm9vYg"),
    V("fooba", "Zm9vYmE"),
    V("foobar", "Zm9vYmFy"),
    /* the two characters that differ from standard base64 ('+' and '/') */
    V("\xfb\xff", "-_8"),
    V("\xfb\xef\xbe", "----"),
    V("\xff\xff\xff", "____"),
    V("\x00", "AA"),
    V("\x00\x00\x00", "AAAA"),
    V("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"),
#undef V
};

static void test_encode(void **state)
{
  for (size_t i = 0; i < COUNT(vectors); i++) {
    size_t cap = 4 * ((vectors[i].len + 2) / 3) + 1; /* the documented minimum */
    char *out = malloc(cap);

    assert_non_null(out);
    size_t n = base64url_encode(out, cap, (const unsigned char *)vectors[i].raw, vectors[i].len);
    if (n != strlen(vectors[i].enc) || strcmp(out, vectors[i].enc) != 0)
      fail_msg("encode vector %zu: got \"%s\" (%zu), want \"%s\"", i, out, n, vectors[i].enc);
    free(out);
  }
}

static void test_encode_small_buffer(void **state)
{
  static const struct {
    size_t cap;
    const char *want;
  } cases[] = {{0, NULL}, {1, ""}, {4, ""}, {5, "Zm9v"}, {8, "Zm9v"}, {9, "Zm9vYmFy"}};

  for (size_t i = 0; i < COUNT(cases); i++) {
    char buf[16];
    memset(buf, '#', sizeof buf);
    size_t n = base64url_encode(buf, cases[i].cap, (const unsigned char *)"foobar", 6);
    if (cases[i].want) {
      assert_string_equal(buf, cases[i].want);
      assert_int_equal(n, strlen(cases[i].want));
    } else {
      assert_int_equal(n, 0);
    }
    for (size_t j = cases[i].cap; j < sizeof buf; j++)
      if (buf[j] != '#') fail_msg("cap %zu: byte %zu written", cases[i].cap, j);
  }
}

static void test_decode(void **state)
{
  for (size_t i = 0; i < COUNT(vectors); i++) {
    unsigned char out[64];
    long n = base64url_decode(out, sizeof out, vectors[i].enc, strlen(vectors[i].enc));
    if (n != (long)vectors[i].len || memcmp(out, vectors[i].raw, vectors[i].len) != 0)
      fail_msg("decode vector %zu (\"%s\"): got %ld bytes", i, vectors[i].enc, n);
  }
}

static void test_decode_cases(void **state)
{
  static const struct {
    const char *in;
    size_t cap;
    long want; /* -1 or the length of raw */
    const char *raw;
  } cases[] = {
      /* no padding: a JWS segment is unpadded base64url (RFC 7515 section 2) */
      {"Zg==", 8, -1, NULL},
      {"Zm8=", 8, -1, NULL},
      {"Zm9vYg==", 8, -1, NULL},
      {"Zm9v=", 8, -1, NULL},
      {"=", 8, -1, NULL},
      /* standard base64's two characters */
      {"-_8", 8, 2, "\xfb\xff"},
      {"+/8", 8, -1, NULL},
      {"++++", 8, -1, NULL},
      {"////", 8, -1, NULL},
      /* the unused bits of the last character must be zero: one spelling per byte string */
      {"Zh", 8, -1, NULL},  /* "Zg" with a low bit set */
      {"Zv", 8, -1, NULL},
      {"Zm9", 8, -1, NULL}, /* "Zm8" with a low bit set */
      {"Zm-", 8, -1, NULL},
      {"Zm8", 8, 2, "fo"},
      {"AA", 8, 1, "\0"},
      {"AB", 8, -1, NULL},
      {"AAB", 8, -1, NULL},
      {"AAE", 8, 2, "\0\x01"},
      /* characters outside the alphabet */
      {"Zm9v+A", 8, -1, NULL},
      {"Zm9v/A", 8, -1, NULL},
      {"Zm 9v", 8, -1, NULL},
      {"Zm9v\n", 8, -1, NULL},
      {"Zg=a", 8, -1, NULL}, /* '=' anywhere */
      {"Z=g", 8, -1, NULL},
      {"Zm9v.", 8, -1, NULL},
      {"\xC3\xA9\xC3\xA9", 8, -1, NULL},
      /* lengths with len % 4 == 1 cannot be base64 */
      {"Z", 8, -1, NULL},
      {"Zm9vY", 8, -1, NULL},
      {"Zm9vYmFyZ", 8, -1, NULL},
      {"Z===", 8, -1, NULL},
      /* buffers too small */
      {"Zm9v", 2, -1, NULL},
      {"Zm9v", 3, 3, "foo"},
      {"Zm9vYmFy", 5, -1, NULL},
      {"Zg", 0, -1, NULL},
      {"", 0, 0, ""},
  };

  for (size_t i = 0; i < COUNT(cases); i++) {
    unsigned char out[16];
    memset(out, '#', sizeof out);
    long n = base64url_decode(out, cases[i].cap, cases[i].in, strlen(cases[i].in));
    if (n != cases[i].want)
      fail_msg("decode \"%s\" cap %zu: got %ld, want %ld", cases[i].in, cases[i].cap, n, cases[i].want);
    if (n > 0) assert_memory_equal(out, cases[i].raw, (size_t)n);
    for (size_t j = cases[i].cap; j < sizeof out; j++)
      if (out[j] != '#') fail_msg("decode \"%s\" cap %zu: byte %zu written", cases[i].in, cases[i].cap, j);
  }
}

/* inlen bounds the input: nothing after it is read. */
static void test_decode_inlen(void **state)
{
  unsigned char out[8];
  assert_int_equal(base64url_decode(out, sizeof out, "Zm9vYmFy", 4), 3);
  assert_memory_equal(out, "foo", 3);
  assert_int_equal(base64url_decode(out, sizeof out, "Zm9v\0Zm9v", 9), -1); /* a NUL inside is not base64 */
}

/* Every length 0..99 round-trips. */
static void test_round_trip(void **state)
{
  unsigned char raw[100], back[100];
  char enc[4 * 34 + 1];
  unsigned seed = 12345;

  for (size_t len = 0; len < sizeof raw; len++) {
    for (size_t i = 0; i < len; i++) {
      seed = seed * 1103515245u + 12345u;
      raw[i] = (unsigned char)(seed >> 16);
    }
    size_t n = base64url_encode(enc, sizeof enc, raw, len);
    assert_int_equal(n, (len * 4 + 2) / 3);
    assert_null(strpbrk(enc, "+/="));
    assert_int_equal(base64url_decode(back, sizeof back, enc, n), (long)len);
    assert_memory_equal(back, raw, len);
  }
}

/* Every 2- and 3-character string over the alphabet: exactly the encodings of the 256 one-byte
 * and 65536 two-byte strings decode, and each decodes to the bytes that encode back to it. */
static void test_one_spelling(void **state)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (size_t len = 2; len <= 3; len++) {
    size_t total = len == 2 ? 64 * 64 : 64 * 64 * 64, accepted = 0;
    for (size_t k = 0; k < total; k++) {
      char in[4] = {alphabet[k % 64], alphabet[k / 64 % 64], alphabet[k / 4096 % 64], '\0'};
      unsigned char raw[4];
      char back[8];
      in[len] = '\0';
      long n = base64url_decode(raw, sizeof raw, in, len);
      if (n < 0)
        continue;
      accepted++;
      assert_int_equal(n, (long)len - 1);
      base64url_encode(back, sizeof back, raw, (size_t)n);
      if (strcmp(back, in) != 0)
        fail_msg("\"%s\" decodes to bytes that encode as \"%s\"", in, back);
    }
    assert_int_equal(accepted, len == 2 ? 256 : 65536);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_encode),       cmocka_unit_test(test_encode_small_buffer),
      cmocka_unit_test(test_decode),       cmocka_unit_test(test_decode_cases),
      cmocka_unit_test(test_decode_inlen), cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_one_spelling),
  };
  return cmocka_run_group_tests_name("base64url", tests, NULL, NULL);
}
