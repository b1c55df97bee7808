#include "core/base64url.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t base64url_encode(char *out, size_t cap, const unsigned char *in, size_t len)
{
  size_t n = 0;
  for (size_t i = 0; i < len && n + 5 <= cap; i += 3) {
    unsigned v = (unsigned)in[i] << 16 | (i + 1 < len ? (unsigned)in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
    out[n++] = alphabet[(v >> 18) & 63];
    out[n++] = alphabet[(v >> 12) & 63];
    if (i + 1 < len)
      out[n++] = alphabet[(v >> 6) & 63];
    if (i + 2 < len)
      out[n++] = alphabet[v & 63];
  }
  if (cap)
    out[n] = '\0';
  return n;
}

static int value_of(char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

long base64url_decode(unsigned char *out, size_t cap, const char *in, size_t inlen)
{
  if (inlen % 4 == 1)
    return -1;
  size_t n = 0;
  unsigned acc = 0;
  int bits = 0;
  for (size_t i = 0; i < inlen; i++) {
    int v = value_of(in[i]);
    if (v < 0)
      return -1;
    acc = (acc << 6 | (unsigned)v) & 0xFFF; /* never more than 6 + 6 bits are pending */
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n >= cap)
        return -1;
      out[n++] = (unsigned char)((acc >> bits) & 0xFF);
    }
  }
  /* The 2 or 4 bits left over are the encoder's zero fill: anything else is another spelling of
   * the same bytes (a JWS signature must have one). */
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    return -1;
  return (long)n;
}
