#ifndef PINS_HTTP_PROBLEM_H
#define PINS_HTTP_PROBLEM_H

#include <jansson.h>

#include "http/request.h"

/* RFC 9457 problem responses (application/problem+json): {type, title, status, detail,
 * instance}. type is "/problems/<slug>"; instance is the request path. This file is the one
 * place where internal status codes become HTTP statuses. */

/* Sends a problem with an HTTP status and detail sentence. */
void problem_send(struct http_req *r, int http_status, const char *detail);

/* Sends the problem for an internal status (PINS_ENOTFOUND -> 404, PINS_ECONFLICT -> 409,
 * PINS_EINVALID -> 422 with errors, PINS_EUNAVAILABLE -> 503 + Retry-After, PINS_EPRECONDITION
 * -> 412, PINS_EFORBIDDEN -> 403, anything else -> 500). errors (borrowed, may be NULL) is the
 * list of {pointer, detail} for 422. */
void problem_send_status(struct http_req *r, int pins_status, const char *detail, json_t *errors);

/* Answers a domain result: on PINS_OK the JSON document doc with ok_status, otherwise the
 * problem for rc with why (a sentence, may be NULL or empty) and errors. */
void problem_answer(struct http_req *r, int rc, int ok_status, const char *doc, const char *why, json_t *errors);

/* Sends 422 validation with the errors list (borrowed). */
void problem_send_validation(struct http_req *r, json_t *errors);

/* Sends a problem with extra members (borrowed object merged in), e.g. readiness checks. */
void problem_send_with(struct http_req *r, int http_status, const char *slug, const char *detail, json_t *extra);

#endif
