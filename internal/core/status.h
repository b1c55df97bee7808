#ifndef PINS_CORE_STATUS_H
#define PINS_CORE_STATUS_H

/* Status codes returned by every internal function: 0 is success, expected failures are
 * negative. A code is passed up unchanged and mapped to HTTP in exactly one place
 * (internal/http/problem.c). */
enum pins_status {
  PINS_OK = 0,
  PINS_ERROR = -1,        /* unexpected: a bug or a resource failure; answered as 500 */
  PINS_ENOTFOUND = -2,    /* the record does not exist (or the caller may not know it does) */
  PINS_ECONFLICT = -3,    /* a unique key or reference prevents the change */
  PINS_EINVALID = -4,     /* the input breaks a rule; details travel separately */
  PINS_EUNAVAILABLE = -5, /* PostgreSQL (or another dependency) cannot be reached */
  PINS_EPRECONDITION = -6,/* If-Match did not match the current version */
  PINS_EFORBIDDEN = -7,   /* the caller may see the record but not change it */
  PINS_ENOMEM = -8,       /* allocation failed */
};

#endif
