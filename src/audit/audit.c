/* The audit chain's hash: pure, so verification and recording agree byte for byte. */
#include "audit/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "core/sb.h"

static void field(struct sb *b, const char *s)
{
    if (!s) {
        sb_adds(b, "-;");
        return;
    }
    sb_printf(b, "%zu:", strlen(s));
    sb_adds(b, s);
    sb_addc(b, ';');
}

static void num(struct sb *b, int64_t v)
{
    sb_printf(b, "%lld;", (long long)v);
}

void audit_hash(const struct audit_entry *e, const char *prev_hash, char *out)
{
    struct sb b;

    sb_init(&b, NULL);
    field(&b, prev_hash);
    num(&b, e->tenant_id);
    num(&b, e->seq);
    num(&b, e->actor_id);
    num(&b, e->org_id);
    field(&b, e->action);
    field(&b, e->entity);
    num(&b, e->entity_id);
    field(&b, e->before);
    field(&b, e->after);
    field(&b, e->request_id);
    field(&b, e->ip);
    field(&b, e->at);
    if (sb_error(&b))
        abort();
    secret_sha256_hex(b.buf, b.len, out);
    sb_release(&b);
}
