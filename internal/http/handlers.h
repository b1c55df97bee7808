#ifndef PINS_HTTP_HANDLERS_H
#define PINS_HTTP_HANDLERS_H

#include "http/request.h"

/* Route handlers: parse, call the domain, map the status, respond. route->ctx carries the
 * reference resource for the generic reference-data handlers. */
void handle_healthz(struct http_req *r);
void handle_readyz(struct http_req *r);

void handle_ref_list(struct http_req *r);
void handle_ref_get(struct http_req *r);
void handle_ref_create(struct http_req *r);
void handle_ref_replace(struct http_req *r);
void handle_ref_patch(struct http_req *r);
void handle_ref_delete(struct http_req *r);

void handle_schools_import(struct http_req *r);

#endif
