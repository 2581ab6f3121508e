/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-format"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scim-format.h"

/* Values as people read them: local time, the locale's digit grouping,
 * translated names of states and kinds.  The file keeps UTC seconds and
 * minor units; only this edge turns them into text. */

/**
 * scim_local_zone:
 *
 * The local time zone, looked up at most once a minute: GLib reads the
 * zone's file again for every g_time_zone_new_local() and every "local"
 * GDateTime (a readlink and two stats of /etc/localtime), which took a
 * tenth of a command printing 50,000 dates and some 300,000 system calls
 * of an import of 100,000 leads.
 *
 * Returns: (transfer full): the zone
 */
GTimeZone *
scim_local_zone (void)
{
  static GMutex lock;
  static GTimeZone *zone;
  static gint64 looked_up;
  GTimeZone *local;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&lock);
  if (zone == NULL || now - looked_up > 60 * G_USEC_PER_SEC)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      zone = g_time_zone_new_local ();
      looked_up = now;
    }
  local = g_time_zone_ref (zone);
  g_mutex_unlock (&lock);
  return local;
}

/**
 * scim_format_time:
 * @unix_time: UTC seconds
 * @format: a g_date_time_format() format
 *
 * @unix_time in the local time zone (scim_local_zone()).
 *
 * Returns: (transfer full) (nullable): the text, or %NULL for a time out of
 *   range
 */
char *
scim_format_time (gint64      unix_time,
                  const char *format)
{
  g_autoptr(GTimeZone) local = NULL;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) there = NULL;

  if (utc == NULL)
    return NULL;
  local = scim_local_zone ();
  there = g_date_time_to_timezone (utc, local);
  return there != NULL ? g_date_time_format (there, format) : NULL;
}

/**
 * scim_format_date:
 * @unix_time: UTC seconds, or 0 for none
 *
 * Returns: (transfer full): the local date, or an empty string
 */
char *
scim_format_date (gint64 unix_time)
{
  char *text;

  if (unix_time == 0)
    return g_strdup ("");
  /* Translators: a date in lists; see strftime(3). Russian: %d.%m.%Y */
  text = scim_format_time (unix_time, _("%Y-%m-%d"));
  return text != NULL ? text : g_strdup ("");
}

/**
 * scim_format_date_time:
 * @unix_time: UTC seconds, or 0 for none
 *
 * Returns: (transfer full): the local date and time, or an empty string
 */
char *
scim_format_date_time (gint64 unix_time)
{
  char *text;

  if (unix_time == 0)
    return g_strdup ("");
  /* Translators: a date and time in lists; see strftime(3). Russian: %d.%m.%Y %H:%M */
  text = scim_format_time (unix_time, _("%Y-%m-%d %H:%M"));
  return text != NULL ? text : g_strdup ("");
}

static char *
format_money (gint64   minor_units,
              gboolean exact)
{
  g_autofree char *digits = NULL;
  const struct lconv *lc = localeconv ();
  /* The C locale groups nothing; money is still easier to read grouped. */
  const char *sep = lc->mon_thousands_sep != NULL && lc->mon_thousands_sep[0] != '\0'
                    ? lc->mon_thousands_sep : "\u202F";
  const char *point = lc->mon_decimal_point != NULL && lc->mon_decimal_point[0] != '\0'
                      ? lc->mon_decimal_point : ",";
  guint64 magnitude = minor_units < 0 ? (guint64) -(minor_units + 1) + 1 : (guint64) minor_units;
  GString *out = g_string_new (minor_units < 0 ? "−" : "");
  guint64 whole = magnitude / 100;
  int cents = (int) (magnitude % 100);

  /* Whole units, half a unit up, unless every kopeck counts. */
  if (!exact)
    {
      whole += cents >= 50;
      cents = 0;
      if (whole == 0)
        g_string_truncate (out, 0);
    }
  gsize len;

  digits = g_strdup_printf ("%" G_GUINT64_FORMAT, whole);
  len = strlen (digits);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, sep);
      g_string_append_c (out, digits[i]);
    }
  if (cents != 0)
    g_string_append_printf (out, "%s%02d", point, cents);
  return g_string_free (out, FALSE);
}

/**
 * scim_format_money:
 * @minor_units: an amount in kopecks (cents)
 *
 * Money as lists, charts, forecasts and reports show it: whole units
 * (rounded half up), grouped as the locale groups.
 *
 * Returns: (transfer full): the amount, as "1 234 568"
 */
char *
scim_format_money (gint64 minor_units)
{
  return format_money (minor_units, FALSE);
}

/**
 * scim_format_amount:
 * @minor_units: an amount in kopecks
 *
 * Money as a figure a person reads, with its currency: "1 234 567 ₽".
 *
 * Returns: (transfer full): the amount
 */
char *
scim_format_amount (gint64 minor_units)
{
  g_autofree char *money = format_money (minor_units, FALSE);

  /* Translators: an amount of money in rubles, "1 234 567 ₽". */
  return g_strdup_printf (_("%s ₽"), money);
}

/**
 * scim_format_money_exact:
 * @minor_units: an amount in kopecks (cents)
 *
 * Money where every kopeck counts: an amount being edited, a note that
 * keeps what a file said.  Kopecks after the decimal point when there are
 * any.
 *
 * Returns: (transfer full): the amount, as "1 234 567,89"
 */
char *
scim_format_money_exact (gint64 minor_units)
{
  return format_money (minor_units, TRUE);
}

/**
 * scim_format_state:
 * @state: a lead, task or sale state as stored
 *
 * Returns: (transfer none): its translated name
 */
const char *
scim_format_state (const char *state)
{
  static const struct { const char *id; const char *label; } states[] = {
    { "new", N_("New") },
    { "accepted", N_("Accepted") },
    { "rejected", N_("Rejected") },
    { "planned", N_("Planned") },
    { "done", N_("Done") },
    { "failed", N_("Failed") },
    { "cancelled", N_("Cancelled") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_strcmp0 (state, states[i].id) == 0)
      return _(states[i].label);
  return state != NULL ? state : "";
}

/**
 * scim_format_kind:
 * @kind: a stage kind as stored
 *
 * Returns: (transfer none): its translated name
 */
const char *
scim_format_kind (const char *kind)
{
  if (g_strcmp0 (kind, "open") == 0)
    return _("In progress");
  if (g_strcmp0 (kind, "won") == 0)
    return _("Won");
  if (g_strcmp0 (kind, "lost") == 0)
    return _("Lost");
  if (g_strcmp0 (kind, "paused") == 0)
    return _("Paused");
  return kind != NULL ? kind : "";
}

/**
 * scim_format_event_kind:
 * @kind: a sales-book event kind as stored
 *
 * Returns: (transfer none): its translated name
 */
const char *
scim_format_event_kind (const char *kind)
{
  static const struct { const char *id; const char *label; } kinds[] = {
    { "call", N_("Call") },
    { "meeting", N_("Meeting") },
    { "email", N_("E-mail") },
    { "proposal", N_("Proposal sent") },
    { "contract", N_("Contract") },
    { "payment", N_("Payment") },
    { "note", N_("Note") },
    { "other", N_("Other") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kind, kinds[i].id) == 0)
      return _(kinds[i].label);
  return kind != NULL ? kind : "";
}

static void
fold_into (GString    *out,
           const char *text)
{
  gboolean space = FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      if (g_unichar_isspace (c))
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      if (c < 0x80)
        {
          g_string_append_c (out, g_ascii_tolower ((char) c));
          continue;
        }
      c = g_unichar_tolower (c);
      if (c == 0x0451)       /* ё */
        c = 0x0435;          /* е */
      g_string_append_unichar (out, c);
    }
}

/**
 * scim_fold:
 * @text: (nullable): any text
 *
 * Lower case for Cyrillic as for Latin (SQLite's own LIKE and lower() fold
 * ASCII only), "ё" as "е", blanks trimmed and collapsed.  The store
 * registers it as the SQL function scim_fold() for search.
 *
 * Returns: (transfer full): the folded text; "" for %NULL
 */
char *
scim_fold (const char *text)
{
  GString *out = g_string_sized_new (text != NULL ? strlen (text) : 0);

  if (text != NULL)
    fold_into (out, text);
  return g_string_free (out, FALSE);
}

static int
compare_words (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * scim_fold_name:
 * @text: (nullable): a person's name, in either order
 *
 * Returns: (transfer full): the folded words of @text, sorted and joined
 *   by one space; "" for %NULL or blanks
 */
char *
scim_fold_name (const char *text)
{
  g_autofree char *folded = scim_fold (text);
  g_auto(GStrv) words = g_strsplit (folded, " ", -1);
  guint n = g_strv_length (words);

  if (n > 1)
    qsort (words, n, sizeof (char *), compare_words);
  return g_strjoinv (" ", words);
}

/**
 * scim_lead_phone_key:
 * @phones: (nullable): a lead's phones: one per line, or separated by
 *   commas or semicolons
 *
 * The first phone's last 10 digits, when it has at least 5 and nothing but
 * digits, blanks and the punctuation of phone numbers (- ( ) + .), so that
 * "+7 (495) 123-45-67" and "8 495 1234567" meet.  The store keeps it in
 * leads.phone_key (the SQL function scim_phone_key()), indexed, for the
 * duplicate marks.
 *
 * Returns: (transfer full): the key; "" for none
 */
char *
scim_lead_phone_key (const char *phones)
{
  char digits[64];
  gsize n = 0;

  if (phones == NULL)
    return g_strdup ("");
  for (const char *p = phones; *p != '\0' && strchr (";,\n\r", *p) == NULL; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          if (n == sizeof digits - 1)
            memmove (digits, digits + 1, --n);
          digits[n++] = *p;
        }
      else if (strchr (" -()+.\t", *p) == NULL)
        return g_strdup ("");
    }
  if (n < 5)
    return g_strdup ("");
  digits[n] = '\0';
  return g_strdup (n > 10 ? digits + n - 10 : digits);
}

/**
 * scim_lead_email_key:
 * @emails: (nullable): a lead's e-mail addresses, separated by blanks,
 *   line breaks, commas or semicolons
 *
 * The first address in lower case (ASCII letters, as SQLite's lower()),
 * when it has an "@" after its first character.  Kept in leads.email_key
 * (the SQL function scim_email_key()).
 *
 * Returns: (transfer full): the key; "" for none
 */
char *
scim_lead_email_key (const char *emails)
{
  const char *p = emails;
  const char *at;
  gsize len;

  if (p == NULL)
    return g_strdup ("");
  while (*p == ' ')
    p++;
  len = strcspn (p, ";, \n\r");
  at = memchr (p, '@', len);
  if (at == NULL || at == p)
    return g_strdup ("");
  return g_ascii_strdown (p, (gssize) len);
}
