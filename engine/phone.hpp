#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace verity {

/// What kind of line a number is, as far as the numbering plan tells.
enum class line_type {
  mobile,
  fixed_line,
  fixed_line_or_mobile, ///< The plan does not distinguish (e.g. the US and Canada).
  voip,
  toll_free,
  other,
  unknown,
};

/// Returns the lower-case name of `type`, e.g. "fixed_line_or_mobile".
std::string_view to_string(line_type type);

/// A valid phone number in canonical form.
struct phone_number {
  std::string e164;   ///< "+12015550123": the routing key everywhere in Verity.
  std::string region; ///< ISO 3166-1 alpha-2 region of the number, e.g. "US"; "" if none
                      ///< (non-geographic numbers such as +800).
  line_type type = line_type::unknown; ///< What kind of line, when the plan tells.
};

/// Parses a number as a person writes it ("(201) 555-0123", "+44 20 7946 0958", "0044 ...",
/// "whatsapp:+1 201...") into E.164, keeping only numbers libphonenumber says are valid and
/// E.164 allows (at most 15 digits). The E.164 form returned parses to itself, so one line has
/// one form whatever way it was written.
/// `default_region` (ISO alpha-2, any case) applies to numbers written without a leading '+'; an
/// unknown one is refused even for '+' input. Input over 64 bytes and numbers with an extension
/// are refused. On failure returns a lower-case sentence saying why; never throws.
/// Thread-safe; mutes libphonenumber's own logging on first use.
tl::expected<phone_number, std::string> parse_phone(std::string_view input,
                                                    std::string_view default_region = "US");

/// True if `text` is in the form parse_phone gives a valid number: '+', a digit other than 0,
/// at most 15 digits in all. A check of form only, without the numbering plan: for numbers
/// that come back from Twilio, which reports the `To` Verity sent in that form (a number
/// Verity never sent to then finds no message, as an invalid one would).
bool is_e164_form(std::string_view text);

/// The Twilio WhatsApp address of an E.164 number: "whatsapp:+15550100100". Input that already
/// has the prefix (any case) is not prefixed twice.
std::string to_whatsapp_address(std::string_view e164);

/// Removes a leading "whatsapp:" (any case) from a Twilio address; other input is returned as is.
std::string_view strip_whatsapp_prefix(std::string_view address);

/// True if `address` starts with "whatsapp:" (any case).
bool is_whatsapp_address(std::string_view address);

/// The number prefix send limits are counted by against SMS pumping: the country code and the
/// next three digits ("+15550100100" -> "+1555", "+447400123456" -> "+44740"). Input that is
/// not E.164 is its own prefix.
std::string number_prefix(std::string_view e164);

/// The country calling code of an E.164 number with its '+' ("+15550100100" -> "+1",
/// "+447400123456" -> "+44"): what per-country send limits count by. Input that is not E.164
/// (or has no assigned country code) is its own key.
std::string country_prefix(std::string_view e164);

/// Masks a number for logs and API answers: the country code and the last four digits stay,
/// every other digit becomes '*' ("+15550100100" -> "+1******0100"); at least two digits after
/// the country code are always hidden ("+6831234" -> "+683**34"). A "whatsapp:" prefix is kept
/// and the rest masked. Input that is not E.164 (or has no assigned country code) becomes stars
/// keeping at most its last two characters, only when it has six or more and they are visible
/// ASCII ("garbage" -> "*****ge", "abc" -> "***"); that form is capped at 64 characters.
std::string mask_phone(std::string_view e164);

} // namespace verity
