/* HTTP ceiling: answers every request with the same small JSON body. */
#include "common.h"

static const char body[] = "{\"status\":\"ok\",\"message\":\"hello\"}";

static int hello(const struct _u_request *req, struct _u_response *resp, void *data)
{
  (void)req;
  (void)data;
  ulfius_set_binary_body_response(resp, 200, body, sizeof body - 1);
  u_map_put(resp->map_header, "Content-Type", "application/json");
  return U_CALLBACK_COMPLETE;
}

int main(int argc, char **argv)
{
  return ceiling_run(argc, argv, hello);
}
