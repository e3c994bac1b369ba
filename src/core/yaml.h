/* YAML to json-c, for serving docs/openapi.yaml as /v1/openapi.json. */
#ifndef CORE_YAML_H
#define CORE_YAML_H

#include <stddef.h>

struct json_object;

/*
 * Converts one YAML document (block or flow style; no anchors or tags) into a
 * new json-c tree owned by the caller (json_object_put). Plain scalars follow
 * the YAML 1.2 core schema: null, true/false, integers and floats; quoted and
 * block scalars are strings. Returns 0, or -1 with "line N: why" in err.
 */
int yaml_to_json(const char *buf, size_t len, struct json_object **out, char *err, size_t errlen);

#endif
