/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include "scim-core.h"

/* Values at the UI edge: money grouped, dates local, states translated. */

static void
test_money (void)
{
  /* Lists, charts and forecasts: whole units, one way everywhere. */
  static const struct { gint64 minor; const char *text; const char *exact; } cases[] = {
    { 0, "0", "0" },
    { 100, "1", "1" },
    { 99, "1", "0,99" },
    { 49, "0", "0,49" },
    { 123456789, "1\u202F234\u202F568", "1\u202F234\u202F567,89" },
    { 2227066667, "22\u202F270\u202F667", "22\u202F270\u202F666,67" },
    { 150000000, "1\u202F500\u202F000", "1\u202F500\u202F000" },
    { 100000, "1\u202F000", "1\u202F000" },
    { -250050, "−2\u202F501", "−2\u202F500,50" },
    { -49, "0", "−0,49" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = scim_format_money (cases[i].minor);
      g_autofree char *exact = scim_format_money_exact (cases[i].minor);

      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_cmpstr (exact, ==, cases[i].exact);
    }
}

static void
test_dates (void)
{
  g_autofree char *none = scim_format_date (0);
  g_autofree char *date = NULL;
  g_autofree char *date_time = NULL;

  g_setenv ("TZ", "Europe/Moscow", TRUE);
  tzset ();
  g_assert_cmpstr (none, ==, "");
  /* 2026-11-27 21:30 UTC is already the 28th in Moscow. */
  date = scim_format_date (1795815000);
  g_assert_cmpstr (date, ==, "2026-11-28");
  date_time = scim_format_date_time (1795815000);
  g_assert_cmpstr (date_time, ==, "2026-11-28 00:30");
}

static void
test_names (void)
{
  g_assert_cmpstr (scim_format_state ("planned"), ==, "Planned");
  g_assert_cmpstr (scim_format_state ("rejected"), ==, "Rejected");
  g_assert_cmpstr (scim_format_kind ("won"), ==, "Won");
  g_assert_cmpstr (scim_format_event_kind ("proposal"), ==, "Proposal sent");
  g_assert_cmpstr (scim_role_get_label (SCIM_ROLE_HEAD), ==, "Head of sales");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/money", test_money);
  g_test_add_func ("/format/dates", test_dates);
  g_test_add_func ("/format/names", test_names);
  return g_test_run ();
}
