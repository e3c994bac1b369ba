/* Service responsibility (DESIGN §7): the coverage policy's walk, a pure function, and its JSON. */
#ifndef SERVICE_COVERAGE_H
#define SERVICE_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct json_object;
struct field_errors;

/*
 * Ownership: everything coverage_* returns lives in the arena passed in (json-c trees are
 * handed to it with json_arena_own); results also point into the caller's orgs, which must
 * outlive them. Nothing needs free(). The order of the inputs never matters: orgs and
 * relationships are ranked by total orders (docs/service-coverage.md), so the same inputs
 * always give the same answer and the same provenance.
 */

/* The organization types a policy orders, in the API's spelling. */
enum coverage_type { COV_DEALER, COV_DISTRIBUTOR, COV_MANUFACTURER };
#define COVERAGE_NTYPES 3

#define COVERAGE_RULES_MAX 1000 /* rules in one policy */
#define COVERAGE_CERT_MAX  64   /* bytes of required_certification, as an org's certifications */
#define COVERAGE_MAX_DEPTH 8    /* levels below the manufacturer the walk follows */

/* "dealer", "distributor", "manufacturer" and back (-1: not one of them). */
const char *coverage_type_name(enum coverage_type t);
int coverage_type_parse(const char *s);

struct coverage_rule {
    int64_t manufacturer_id;
    const char *required_certification; /* NULL: none */
};

struct coverage_policy {
    int enabled;
    enum coverage_type order[COVERAGE_NTYPES]; /* distinct */
    size_t norder;                             /* 1..3 */
    const struct coverage_rule *rules;         /* at most one per manufacturer */
    size_t nrules;
    int match_region;
};

/* The equipment a ticket is about. */
struct coverage_equipment {
    int64_t manufacturer_id; /* its SKU's manufacturer; 0: no SKU */
    int64_t owner_org_id;    /* 0: none */
    const char *region;      /* NULL: none (the owner's region is used, when it has one) */
};

/* An organization as organizations has it. */
struct coverage_org {
    int64_t id;
    const char *type;   /* organizations.type: "dealer", "hospital"... */
    const char *region; /* NULL: none */
    const char *const *certifications;
    size_t ncertifications;
    int active; /* status = 'active' */
};

/* A row of org_relationships: child is relation_type of parent ("D1 distributor_of M1"). */
struct coverage_rel {
    int64_t id;
    int64_t parent_id, child_id;
    const char *type; /* relation_type; distributor_of and dealer_of make the chain */
    int preferred;
    int64_t active_from; /* ms since the epoch */
    int has_to;          /* 0: no end */
    int64_t active_to;   /* active at t when active_from <= t < active_to */
};

/* Why a candidate was taken or passed over, in the order they are checked. */
enum coverage_reason {
    COVR_FIRST_ELIGIBLE,        /* taken */
    COVR_LOWER_IN_ORDER,        /* eligible, but an earlier candidate was taken */
    COVR_NOT_IN_CHAIN,          /* no active relationship links it to the manufacturer */
    COVR_RELATIONSHIP_INACTIVE, /* its link to the manufacturer's tree ended or has not begun */
    COVR_INACTIVE,              /* the organization's status is inactive */
    COVR_NOT_CERTIFIED,         /* lacks the rule's required certification */
    COVR_OTHER_REGION,          /* match_region and another region (or none) */
};

/* "first_eligible", "lower_in_order", "not_in_chain"... */
const char *coverage_reason_name(enum coverage_reason r);

struct coverage_candidate {
    const struct coverage_org *org;
    enum coverage_type type;
    int owner_related; /* it is the owner or has an active relationship with it */
    int preferred;     /* reached through a preferred active relationship */
    int taken;
    enum coverage_reason reason;
    const char *detail; /* the reason in words: "lacks the certification 'ACME-SVC'" */
};

/* Why the answer is what it is: the provenance's top-level reason. */
enum coverage_outcome {
    COVO_FIRST_ELIGIBLE,        /* rule "coverage": an organization was taken */
    COVO_POLICY_OFF,            /* rule "global" */
    COVO_NO_MANUFACTURER,       /* rule "global": the equipment has no SKU */
    COVO_NO_ELIGIBLE_CANDIDATE, /* rule "global": every candidate was passed over */
};

/* "first_eligible", "policy_off", "no_manufacturer", "no_eligible_candidate". */
const char *coverage_outcome_name(enum coverage_outcome o);

struct coverage_result {
    int64_t org_id;   /* the responsible organization; 0: none (the global rule applies) */
    const char *rule; /* "coverage" when org_id is set, else "global" */
    enum coverage_outcome outcome;
    int64_t manufacturer_id;            /* the walk's root; 0: none */
    const char *required_certification; /* the manufacturer's rule; NULL: none */
    const char *region;                 /* the region matched; NULL: none or not matched */
    int64_t owner_org_id;
    int match_region;
    enum coverage_type order[COVERAGE_NTYPES];
    size_t norder;
    struct coverage_candidate *candidates; /* in the order they were considered */
    size_t ncandidates;
    int64_t *chain; /* org_id, then each org a breach escalates to, up to the manufacturer */
    size_t nchain;
    /*
     * The same input gives the same result at any time in [valid_from, valid_to): the
     * relationships' windows begin or end at neither (INT64_MIN and INT64_MAX: no bound).
     */
    int64_t valid_from, valid_to;
    const char *error; /* COVERAGE_EINPUT: what is wrong with the input */
};

enum {
    COVERAGE_OK = 0,
    COVERAGE_EINPUT = -1, /* duplicate ids, a relationship naming an org not given... */
};

/*
 * The responsible organization of a ticket on eq at time at (ms since the epoch; the
 * relationships active then count). orgs must hold the manufacturer (type manufacturer),
 * every organization a relationship names, and those the walk may reach (see
 * docs/service-coverage.md: the ones also linked by relationships not active at `at` show
 * as passed over with the reason). Returns COVERAGE_OK with *res filled (org_id 0 when the
 * global rule applies), or COVERAGE_EINPUT with res->error naming the first problem.
 */
int coverage_resolve(struct arena *ar, const struct coverage_policy *p,
                     const struct coverage_equipment *eq, const struct coverage_org *orgs,
                     size_t norgs, const struct coverage_rel *rels, size_t nrels, int64_t at,
                     struct coverage_result *res);

/*
 * The provenance a ticket stores as policy_provenance: {rule, reason, responsible_org_id,
 * manufacturer_id, required_certification, match_region, region, owner_org_id, order,
 * candidates: [{org_id, org_type, taken, reason, detail, owner_related, preferred}],
 * after_taken: {count, by_reason}, chain}: the candidates up to the one taken (all of them
 * when none was), and those after it counted by reason. Owned by the arena.
 */
struct json_object *coverage_provenance(struct arena *ar, const struct coverage_result *res);

/*
 * The organization a breach of a ticket now with current escalates to: the one after
 * current in the provenance's chain; 0 at the end of it, when current is not in it, or when
 * provenance has no chain (NULL included).
 */
int64_t coverage_escalation_target(struct json_object *provenance, int64_t current);

/* The policy of a tenant that never set one: off, dealer > distributor > manufacturer. */
void coverage_policy_default(struct coverage_policy *p);

/*
 * Reads a policy body ({enabled, order, rules, match_region?}, the PUT's and the stored
 * form) into *p, its strings and rules in the arena. Every problem goes to fe by field
 * ("order[1]", "rules[0].manufacturer_id"); returns 0, or -1 when fe gained something.
 * Whether each manufacturer_id names a manufacturer of the tenant is the caller's check.
 */
int coverage_policy_parse(struct arena *ar, struct json_object *body, struct coverage_policy *p,
                          struct field_errors *fe);

/* p as the API shows it: {enabled, order, rules, match_region}. Owned by the arena. */
struct json_object *coverage_policy_json(struct arena *ar, const struct coverage_policy *p);

#endif
