#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/form.hpp"

/// A small JSON Schema checker for form-encoded (application/x-www-form-urlencoded) request
/// bodies as OpenAPI describes them, for tests. It knows the keywords Twilio's specs use:
/// `properties`, `required`, `allOf`, `anyOf`, `type` (string, integer, number, boolean, array of
/// repeated fields), `enum`, `pattern` (searched, as JSON Schema does), `minLength`/`maxLength`
/// (in characters) and `format` (`uri`, `phone-number`). Stricter than JSON Schema on purpose:
/// a field the schema does not declare, a non-array field given twice and a `format` the
/// checker does not know are problems, so that a change nobody checked never passes.
namespace verity::test {

/// Every way `fields` break the object schema `schema`, one sentence each; empty when none.
std::vector<std::string> check_form(const form_params& fields, const nlohmann::json& schema);

/// Every way the single value `value` of field `name` breaks the scalar schema `schema`.
std::vector<std::string> check_value(std::string_view name, std::string_view value,
                                     const nlohmann::json& schema);

} // namespace verity::test
