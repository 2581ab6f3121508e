/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "scim-core.h"

/* The Funnel module's core on a hand-built history whose every number is
 * worked out below: counts, reached with a sale moved back, conversion and
 * the worst step, the funnel as of several past days, stuck sales, time in
 * stage, observed win rates and the forecast, the filters, the breakdowns
 * with their totals, salesperson performance and cross-sell.  Then the
 * painter: band geometry, labels inside the drawing, a picture that is not
 * blank, and PNG, SVG and PDF files in the build folder. */

#define B 1735689600          /* 2025-01-01 00:00 UTC: the history starts */
#define D 86400
#define AT(days) ((gint64) B + (gint64) ((days) * D))

static char *tmpdir;

#include "funnel-fixture.h"
#include "picture-check.h"

typedef struct
{
  ScimStore *store;
  char      *path;
} Fixture;

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *err = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  if (sqlite3_exec (db, sql, NULL, NULL, &err) != SQLITE_OK)
    g_error ("raw_exec: %s", err);
  sqlite3_close (db);
}

static void
add_tasks (const char *path)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO tasks (sale_id, title, owner_id, due_at, state, created_at, closed_at) VALUES"
    " (2, 'Позвонить', 2, %" G_GINT64_FORMAT ", 'planned', %d, NULL),"
    " (2, 'Отправить счёт', 2, %" G_GINT64_FORMAT ", 'planned', %d, NULL),"
    " (4, 'Напомнить', 3, %d, 'planned', %d, NULL),"
    " (4, 'Встреча', 3, %d, 'done', %d, %d),"
    " (9, 'Аудит склада', 3, %d, 'planned', %d, NULL);",
    now - D, B, now + 5 * D, B, B + D, B + 3 * D, B, B + 3 * D, B + 4 * D, B + 6 * D, B + 6 * D);

  raw_exec (path, sql);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static int n;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("funnel-%d.db", ++n);

  f->path = g_build_filename (tmpdir, name, NULL);
  f->store = scim_store_open (f->path, SCIM_STORE_CREATE, &error);
  g_assert_no_error (error);
  raw_exec (f->path, fixture_sql);
  add_tasks (f->path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  scim_store_close (f->store);
  g_assert_finalize_object (f->store);
  g_free (f->path);
}

static ScimFunnel *
funnel_of (Fixture                *f,
           const ScimFunnelFilter *filter)
{
  g_autoptr(GError) error = NULL;
  ScimFunnel *funnel = scim_store_funnel (f->store, filter, &error);

  g_assert_no_error (error);
  g_assert_nonnull (funnel);
  return funnel;
}

static const ScimFunnelStage *
stage (const ScimFunnel *funnel,
       guint             index)
{
  g_assert_cmpuint (index, <, funnel->stages->len);
  return g_ptr_array_index (funnel->stages, index);
}

/* count and reached of each stage in funnel order. */
static void
assert_counts (const ScimFunnel *funnel,
               const guint      *counts,
               const guint      *reached)
{
  for (guint i = 0; i < funnel->stages->len; i++)
    {
      g_test_message ("stage %u “%s”: count %u, reached %u", i, stage (funnel, i)->name, stage (funnel, i)->count,
                      stage (funnel, i)->reached);
      g_assert_cmpuint (stage (funnel, i)->count, ==, counts[i]);
      g_assert_cmpuint (stage (funnel, i)->reached, ==, reached[i]);
    }
}

#define assert_near(a, b) g_assert_cmpfloat_with_epsilon ((a), (b), 1e-6)

/* Now */

static void
test_counts_and_reached (Fixture       *f,
                         gconstpointer  data)
{
  ScimFunnelFilter filter = { .product_id = 1 };
  g_autoptr(ScimFunnel) funnel = funnel_of (f, &filter);
  /* Standing now: S5 at 1; S2, S4 at 2; nobody at 3; S1 at 4; S6 at 5;
   * S3, S7 at 6.  Furthest open/won step: S1 4, S2 3 (moved back to 2 but
   * keeps 3), S6 3 (skipped 2), S3 2, S4 2 (the pause does not count), S5 1,
   * S7 1.  So reached 4 = 1, 3 = 1 + 2 = 3, 2 = 3 + 2 = 5, 1 = 5 + 2 = 7;
   * the pause was ever seen by S4 and S6, the refusal by S3 and S7. */
  static const guint counts[] = { 1, 2, 0, 1, 1, 2 };
  static const guint reached[] = { 7, 5, 3, 1, 2, 2 };

  g_assert_cmpint (funnel->product_id, ==, 1);
  g_assert_cmpstr (funnel->product, ==, "Консалтинг");
  g_assert_cmpuint (funnel->stages->len, ==, 6);
  g_assert_cmpstr (stage (funnel, 4)->kind, ==, "paused");
  g_assert_cmpint (stage (funnel, 2)->stuck_days, ==, 5);
  assert_counts (funnel, counts, reached);

  /* Amounts: 1 S5 500000; 2 S2 + S4 = 600000; 4 S1 100000; 5 S6 600000;
   * 6 S3 + S7 = 1000000.  Weighted by probability: 10 % of 500000,
   * 30 % of 600000, 100 % of 100000. */
  g_assert_cmpint (stage (funnel, 0)->amount, ==, 500000);
  g_assert_cmpint (stage (funnel, 1)->amount, ==, 600000);
  g_assert_cmpint (stage (funnel, 2)->amount, ==, 0);
  g_assert_cmpint (stage (funnel, 3)->amount, ==, 100000);
  g_assert_cmpint (stage (funnel, 5)->amount, ==, 1000000);
  g_assert_cmpint (stage (funnel, 0)->weighted_amount, ==, 50000);
  g_assert_cmpint (stage (funnel, 1)->weighted_amount, ==, 180000);
  g_assert_cmpint (stage (funnel, 3)->weighted_amount, ==, 100000);

  /* In work: open stages only (S5, S2, S4). */
  g_assert_cmpuint (funnel->in_work, ==, 3);
  g_assert_cmpint (funnel->in_work_amount, ==, 1100000);
  g_assert_cmpuint (funnel->won, ==, 1);
  g_assert_cmpint (funnel->won_amount, ==, 100000);
  g_assert_cmpuint (funnel->lost, ==, 2);
  g_assert_cmpint (funnel->lost_amount, ==, 1000000);
  g_assert_cmpuint (funnel->paused, ==, 1);
  g_assert_cmpint (funnel->paused_amount, ==, 600000);

  /* Share of the top (7): 5/7, 3/7, 1/7; the pause 2/7. */
  assert_near (stage (funnel, 0)->share, 1);
  assert_near (stage (funnel, 1)->share, 5.0 / 7);
  assert_near (stage (funnel, 2)->share, 3.0 / 7);
  assert_near (stage (funnel, 3)->share, 1.0 / 7);
  assert_near (stage (funnel, 4)->share, 2.0 / 7);
}

static void
test_conversion (Fixture       *f,
                 gconstpointer  data)
{
  ScimFunnelFilter filter = { .product_id = 1 };
  g_autoptr(ScimFunnel) funnel = funnel_of (f, &filter);

  /* 5 of 7, 3 of 5, 1 of 3; none after the last open/won stage, and none
   * for the pause and the refusal.  The worst step is 3 → 4 (1/3). */
  assert_near (stage (funnel, 0)->conversion, 5.0 / 7);
  assert_near (stage (funnel, 1)->conversion, 3.0 / 5);
  assert_near (stage (funnel, 2)->conversion, 1.0 / 3);
  assert_near (stage (funnel, 3)->conversion, -1);
  assert_near (stage (funnel, 4)->conversion, -1);
  assert_near (stage (funnel, 5)->conversion, -1);
  g_assert_cmpint (funnel->worst_step, ==, 2);
}

static void
test_worst_step_ties (Fixture       *f,
                      gconstpointer  data)
{
  ScimFunnelFilter filter = { .product_id = 1, .owner_id = 2 };
  g_autoptr(ScimFunnel) funnel = NULL;

  /* Ivan's sales S1, S2, S6: furthest 4, 3, 3: reached 3, 3, 3, 1;
   * conversion 1, 1, 1/3: the worst is 3 → 4. */
  funnel = funnel_of (f, &filter);
  assert_near (stage (funnel, 0)->conversion, 1);
  assert_near (stage (funnel, 1)->conversion, 1);
  g_assert_cmpint (funnel->worst_step, ==, 2);
  g_clear_pointer (&funnel, scim_funnel_free);

  /* Olga's S3, S4, S5, S7: furthest 2, 2, 1, 1: reached 4, 2, 0, 0;
   * conversion 2/4 and 0/2 = 0; 0 of 0 after that is no drop-off. */
  filter.owner_id = 3;
  funnel = funnel_of (f, &filter);
  assert_near (stage (funnel, 0)->conversion, 0.5);
  assert_near (stage (funnel, 1)->conversion, 0);
  assert_near (stage (funnel, 2)->conversion, 0);
  g_assert_cmpint (funnel->worst_step, ==, 1);
  g_clear_pointer (&funnel, scim_funnel_free);

  /* A tie goes to the earlier step.  Clients of the audience Производство:
   * S1, S2, S5, S7, furthest 4, 3, 1, 1: reached 4, 2, 2, 1; 1 → 2 and
   * 3 → 4 both lose half. */
  filter.owner_id = 0;
  filter.audience_id = 1;
  funnel = funnel_of (f, &filter);
  assert_near (stage (funnel, 0)->conversion, 0.5);
  assert_near (stage (funnel, 1)->conversion, 1);
  assert_near (stage (funnel, 2)->conversion, 0.5);
  g_assert_cmpint (funnel->worst_step, ==, 0);
  g_clear_pointer (&funnel, scim_funnel_free);

  /* Audience Торговля (S3, S4 only: furthest 2 and 2): 1 → 2 is 2 of 2,
   * 2 → 3 is 0 of 2: the worst is the second step. */
  filter.audience_id = 2;
  funnel = funnel_of (f, &filter);
  assert_near (stage (funnel, 0)->conversion, 1);
  assert_near (stage (funnel, 1)->conversion, 0);
  g_assert_cmpint (funnel->worst_step, ==, 1);
}

static void
test_as_of (Fixture       *f,
            gconstpointer  data)
{
  ScimFunnelFilter filter = { .product_id = 1 };

  /* Day 1: only S1 and S2 exist (S3 comes on day 2), both at 1. */
  {
    static const guint counts[] = { 2, 0, 0, 0, 0, 0 };
    static const guint reached[] = { 2, 0, 0, 0, 0, 0 };
    g_autoptr(ScimFunnel) funnel = NULL;

    filter.as_of = AT (1);
    funnel = funnel_of (f, &filter);
    assert_counts (funnel, counts, reached);
    g_assert_cmpint (stage (funnel, 0)->amount, ==, 300000);
    g_assert_cmpint (funnel->as_of, ==, AT (1));
  }

  /* Day 14: S1 at 2 (10–20), S2 at 2 (5–15), S3 at 2 (12–22), S4 paused
   * (13–40); S5–S7 do not exist yet.  Furthest: S1, S2, S3 at 2, S4 at 1:
   * reached 4, 3, 0, 0; the pause seen by S4. */
  {
    static const guint counts[] = { 0, 3, 0, 0, 1, 0 };
    static const guint reached[] = { 4, 3, 0, 0, 1, 0 };
    g_autoptr(ScimFunnel) funnel = NULL;

    filter.as_of = AT (14);
    funnel = funnel_of (f, &filter);
    assert_counts (funnel, counts, reached);
    g_assert_cmpint (stage (funnel, 1)->amount, ==, 600000);
    g_assert_cmpint (stage (funnel, 4)->amount, ==, 400000);
    assert_near (stage (funnel, 0)->conversion, 0.75);
    g_assert_cmpint (funnel->worst_step, ==, 1);
    g_assert_cmpuint (funnel->in_work, ==, 3);
    g_assert_cmpuint (funnel->paused, ==, 1);
  }

  /* Day 26: S1 at 3 (20–30), S2 back at 2 (since 25), S3 refused (22),
   * S4 paused.  Furthest: S1 3, S2 3, S3 2, S4 1: reached 4, 3, 2, 0. */
  {
    static const guint counts[] = { 0, 1, 1, 0, 1, 1 };
    static const guint reached[] = { 4, 3, 2, 0, 1, 1 };
    g_autoptr(ScimFunnel) funnel = NULL;

    filter.as_of = AT (26);
    funnel = funnel_of (f, &filter);
    assert_counts (funnel, counts, reached);
    g_assert_cmpuint (funnel->lost, ==, 1);
  }

  /* A moment inside a day: S2 left 2 for 3 at day 15 exactly; one second
   * before it still stands at 2, at that second it is at 3. */
  {
    g_autoptr(ScimFunnel) before = NULL;
    g_autoptr(ScimFunnel) at = NULL;

    filter.as_of = AT (15) - 1;
    before = funnel_of (f, &filter);
    filter.as_of = AT (15);
    at = funnel_of (f, &filter);
    g_assert_cmpuint (stage (before, 1)->count, ==, 3);
    g_assert_cmpuint (stage (before, 2)->count, ==, 0);
    g_assert_cmpuint (stage (at, 1)->count, ==, 2);
    g_assert_cmpuint (stage (at, 2)->count, ==, 1);
  }

  /* Today, rebuilt from the history, is what the sales say. */
  {
    g_autoptr(ScimFunnel) now = NULL;
    g_autoptr(ScimFunnel) rebuilt = NULL;

    filter.as_of = 0;
    now = funnel_of (f, &filter);
    filter.as_of = g_get_real_time () / G_USEC_PER_SEC;
    rebuilt = funnel_of (f, &filter);
    for (guint i = 0; i < now->stages->len; i++)
      {
        g_assert_cmpuint (stage (now, i)->count, ==, stage (rebuilt, i)->count);
        g_assert_cmpint (stage (now, i)->amount, ==, stage (rebuilt, i)->amount);
        g_assert_cmpuint (stage (now, i)->reached, ==, stage (rebuilt, i)->reached);
        g_assert_cmpuint (stage (now, i)->stuck, ==, stage (rebuilt, i)->stuck);
      }
  }
}

static void
test_stuck (Fixture       *f,
            gconstpointer  data)
{
  ScimFunnelFilter filter = { .product_id = 1 };
  g_autoptr(ScimFunnel) funnel = funnel_of (f, &filter);

  /* Now (well over a year later): S5 at 1 since day 50 (limit 10 days),
   * S6 paused since day 70 (limit 30).  Stage 2 has no limit (S2, S4),
   * stage 4 neither. */
  g_assert_cmpuint (stage (funnel, 0)->stuck, ==, 1);
  g_assert_cmpuint (stage (funnel, 1)->stuck, ==, 0);
  g_assert_cmpuint (stage (funnel, 2)->stuck, ==, 0);
  g_assert_cmpuint (stage (funnel, 3)->stuck, ==, 0);
  g_assert_cmpuint (stage (funnel, 4)->stuck, ==, 1);
  g_clear_pointer (&funnel, scim_funnel_free);

  /* Day 26: S1 at 3 since day 20: 6 days, more than 5.  S4 paused since
   * day 13: 13 days, not more than 30. */
  filter.as_of = AT (26);
  funnel = funnel_of (f, &filter);
  g_assert_cmpuint (stage (funnel, 2)->stuck, ==, 1);
  g_assert_cmpuint (stage (funnel, 4)->stuck, ==, 0);
  g_clear_pointer (&funnel, scim_funnel_free);

  /* Exactly at the limit is not longer than it: day 25 is 5 days. */
  filter.as_of = AT (25);
  funnel = funnel_of (f, &filter);
  g_assert_cmpuint (stage (funnel, 2)->stuck, ==, 0);
}

static void
test_avg_days (Fixture       *f,
               gconstpointer  data)
{
  ScimFunnelFilter filter = { .product_id = 1 };
  g_autoptr(ScimFunnel) funnel = NULL;
  double now_days;

  /* Day 14: stage 1 stays S1 0–10, S2 0–5, S3 2–12, S4 3–13: 35 / 4;
   * stage 2 S1 10–14, S2 5–14, S3 12–14 (cut at the day): 15 / 3;
   * the pause S4 13–14: 1. */
  filter.as_of = AT (14);
  funnel = funnel_of (f, &filter);
  assert_near (stage (funnel, 0)->avg_days, 35.0 / 4);
  assert_near (stage (funnel, 1)->avg_days, 5);
  assert_near (stage (funnel, 2)->avg_days, 0);
  assert_near (stage (funnel, 4)->avg_days, 1);
  g_clear_pointer (&funnel, scim_funnel_free);

  /* Now: stage 3 has only closed stays, S1 20–30, S2 15–25, S6 61–70:
   * 29 / 3.  Stage 4 has S1 from day 30 on: up to now. */
  filter.as_of = 0;
  funnel = funnel_of (f, &filter);
  now_days = (double) (g_get_real_time () / G_USEC_PER_SEC - B) / D;
  assert_near (stage (funnel, 2)->avg_days, 29.0 / 3);
  g_assert_cmpfloat_with_epsilon (stage (funnel, 3)->avg_days, now_days - 30, 0.01);
}

static void
test_win_rate_and_forecast (Fixture       *f,
                            gconstpointer  data)
{
  ScimFunnelFilter filter = { .product_id = 1 };
  g_autoptr(ScimFunnel) funnel = funnel_of (f, &filter);

  /* Closed now: S1 won (furthest 4), S3 lost (2), S7 lost (1).
   * Reached 4 or 3 and closed: S1, won: 1.  Reached 2: S1, S3: 1/2.
   * Reached 1: S1, S3, S7: 1/3.  The pause: S4, S6, neither closed: 0.
   * The refusal: S3, S7, both lost: 0 of 2. */
  assert_near (stage (funnel, 0)->observed_win_rate, 1.0 / 3);
  assert_near (stage (funnel, 1)->observed_win_rate, 0.5);
  assert_near (stage (funnel, 2)->observed_win_rate, 1);
  assert_near (stage (funnel, 3)->observed_win_rate, 1);
  assert_near (stage (funnel, 4)->observed_win_rate, 0);
  assert_near (stage (funnel, 5)->observed_win_rate, 0);
  g_assert_cmpuint (stage (funnel, 0)->closed, ==, 3);
  g_assert_cmpuint (stage (funnel, 1)->closed, ==, 2);
  g_assert_cmpuint (stage (funnel, 4)->closed, ==, 0);
  g_assert_cmpuint (stage (funnel, 5)->closed, ==, 2);

  /* In work: S5 at 1 (500000, rate 1/3, 10 %), S2 and S4 at 2 (600000,
   * rate 1/2, 30 %).  Observed: 1/3 + 2 × 1/2 wins, 166667 + 300000.
   * Configured: 0.1 + 0.6 wins, 50000 + 180000. */
  assert_near (funnel->forecast_wins, 1.0 / 3 + 1);
  g_assert_cmpint (funnel->forecast_amount, ==, 466667);
  assert_near (funnel->forecast_wins_configured, 0.7);
  g_assert_cmpint (funnel->forecast_amount_configured, ==, 230000);
}

static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  ScimFunnelFilter filter = { .product_id = 1 };

  /* Ivan: S1 at 4, S2 at 2, S6 paused; furthest 4, 3, 3. */
  {
    static const guint counts[] = { 0, 1, 0, 1, 1, 0 };
    static const guint reached[] = { 3, 3, 3, 1, 1, 0 };
    g_autoptr(ScimFunnel) funnel = NULL;

    filter.owner_id = 2;
    funnel = funnel_of (f, &filter);
    assert_counts (funnel, counts, reached);
    g_assert_cmpint (stage (funnel, 1)->amount, ==, 200000);
    filter.owner_id = 0;
  }
  /* Clients of the audience Торговля: S3 (Гамма) refused, S4 (Дельта) at 2. */
  {
    static const guint counts[] = { 0, 1, 0, 0, 0, 1 };
    static const guint reached[] = { 2, 2, 0, 0, 1, 1 };
    g_autoptr(ScimFunnel) funnel = NULL;

    filter.audience_id = 2;
    funnel = funnel_of (f, &filter);
    assert_counts (funnel, counts, reached);
    filter.audience_id = 0;
  }
  /* Entered from day 50: S5 at 1, S6 paused, S7 refused; furthest 1, 3, 1. */
  {
    static const guint counts[] = { 1, 0, 0, 0, 1, 1 };
    static const guint reached[] = { 3, 1, 1, 0, 1, 1 };
    g_autoptr(ScimFunnel) funnel = NULL;

    filter.entered_since = AT (50);
    funnel = funnel_of (f, &filter);
    assert_counts (funnel, counts, reached);
    filter.entered_since = 0;
  }
  /* Entered until day 2, that second included: S1, S2, S3. */
  {
    static const guint counts[] = { 0, 1, 0, 1, 0, 1 };
    static const guint reached[] = { 3, 3, 2, 1, 0, 1 };
    g_autoptr(ScimFunnel) funnel = NULL;

    filter.entered_until = AT (2);
    funnel = funnel_of (f, &filter);
    assert_counts (funnel, counts, reached);
  }
  /* And as of day 14 on top of it: S1, S2, S3 at 2. */
  {
    static const guint counts[] = { 0, 3, 0, 0, 0, 0 };
    static const guint reached[] = { 3, 3, 0, 0, 0, 0 };
    g_autoptr(ScimFunnel) funnel = NULL;

    filter.as_of = AT (14);
    funnel = funnel_of (f, &filter);
    assert_counts (funnel, counts, reached);
  }
}

static void
test_all_products (Fixture       *f,
                   gconstpointer  data)
{
  ScimFunnelFilter filter = { .product_id = 3 };   /* ignored */
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) funnels = scim_store_funnels (f->store, &filter, &error);
  g_autoptr(ScimFunnel) missing = NULL;
  ScimFunnel *audit, *consulting;

  /* Active products by name: Аудит, Консалтинг, Налоги (Архив is not). */
  g_assert_no_error (error);
  g_assert_cmpuint (funnels->len, ==, 3);
  audit = g_ptr_array_index (funnels, 0);
  consulting = g_ptr_array_index (funnels, 1);
  g_assert_cmpstr (audit->product, ==, "Аудит");
  g_assert_cmpstr (consulting->product, ==, "Консалтинг");
  g_assert_cmpstr (((ScimFunnel *) g_ptr_array_index (funnels, 2))->product, ==, "Налоги");

  /* Аудит: S8 won, S9 at 7; both reached 7, S8 reached 8. */
  g_assert_cmpuint (stage (audit, 0)->count, ==, 1);
  g_assert_cmpuint (stage (audit, 0)->reached, ==, 2);
  g_assert_cmpuint (stage (audit, 1)->reached, ==, 1);
  g_assert_cmpuint (consulting->in_work, ==, 3);

  /* An unknown product, and none. */
  filter.product_id = 999;
  missing = scim_store_funnel (f->store, &filter, &error);
  g_assert_null (missing);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  filter.product_id = 0;
  missing = scim_store_funnel (f->store, &filter, &error);
  g_assert_null (missing);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
}

/* Breakdowns */

static guint
cell_count (const ScimPivot *pivot,
            guint            row,
            guint            column)
{
  return g_array_index (pivot->counts, guint, row * pivot->column_ids->len + column);
}

static gint64
cell_amount (const ScimPivot *pivot,
             guint            row,
             guint            column)
{
  return g_array_index (pivot->amounts, gint64, row * pivot->column_ids->len + column);
}

static void
assert_pivot_totals (const ScimPivot *pivot)
{
  guint rows = pivot->row_ids->len, columns = pivot->column_ids->len;

  g_assert_cmpuint (pivot->row_names->len, ==, rows);
  g_assert_cmpuint (pivot->column_names->len, ==, columns);
  g_assert_cmpuint (pivot->counts->len, ==, rows * columns);
  g_assert_cmpuint (pivot->amounts->len, ==, rows * columns);
  for (guint r = 0; r < rows; r++)
    {
      guint count = 0;
      gint64 amount = 0;

      for (guint c = 0; c < columns; c++)
        {
          count += cell_count (pivot, r, c);
          amount += cell_amount (pivot, r, c);
        }
      g_assert_cmpuint (g_array_index (pivot->row_counts, guint, r), ==, count);
      g_assert_cmpint (g_array_index (pivot->row_amounts, gint64, r), ==, amount);
    }
}

static int
column_of (const ScimPivot *pivot,
           const char      *name)
{
  for (guint c = 0; c < pivot->column_names->len; c++)
    if (g_str_equal (g_ptr_array_index (pivot->column_names, c), name))
      return (int) c;
  return -1;
}

static void
test_pivot_stages (Fixture       *f,
                   gconstpointer  data)
{
  ScimFunnelFilter filter = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimPivot) pivot = scim_store_pivot (f->store, SCIM_PIVOT_STAGE_PRODUCT, &filter, 0, &error);
  static const char *rows[] = { "Анализ", "Знакомство", "Интерес", "Предложение", "Договор", "Пауза", "Отказ" };

  /* Columns: active products and any with sales, by name; rows: stage
   * names, open first, then won, paused, lost; shared names share a row. */
  g_assert_no_error (error);
  assert_pivot_totals (pivot);
  g_assert_cmpuint (pivot->column_ids->len, ==, 3);
  g_assert_cmpint (column_of (pivot, "Аудит"), ==, 0);
  g_assert_cmpint (column_of (pivot, "Консалтинг"), ==, 1);
  g_assert_cmpint (column_of (pivot, "Налоги"), ==, 2);
  g_assert_cmpuint (pivot->row_names->len, ==, G_N_ELEMENTS (rows));
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    g_assert_cmpstr (g_ptr_array_index (pivot->row_names, r), ==, rows[r]);

  /* Знакомство: S9 in Аудит (900000), S5 in Консалтинг (500000);
   * Договор: S8 and S1; Отказ: S3 and S7 in Консалтинг. */
  g_assert_cmpuint (cell_count (pivot, 1, 0), ==, 1);
  g_assert_cmpint (cell_amount (pivot, 1, 0), ==, 900000);
  g_assert_cmpuint (cell_count (pivot, 1, 1), ==, 1);
  g_assert_cmpuint (g_array_index (pivot->row_counts, guint, 1), ==, 2);
  g_assert_cmpint (g_array_index (pivot->row_amounts, gint64, 1), ==, 1400000);
  g_assert_cmpuint (cell_count (pivot, 2, 1), ==, 2);
  g_assert_cmpuint (cell_count (pivot, 4, 0), ==, 1);
  g_assert_cmpuint (cell_count (pivot, 4, 1), ==, 1);
  g_assert_cmpuint (cell_count (pivot, 6, 1), ==, 2);
  g_assert_cmpint (cell_amount (pivot, 6, 1), ==, 1000000);
  g_assert_cmpuint (cell_count (pivot, 0, 2), ==, 0);

  /* Each cell knows its stage: Знакомство of Аудит is 7, of Налоги none. */
  g_assert_cmpint (g_array_index (pivot->cell_stage_ids, gint64, 1 * 3 + 0), ==, 7);
  g_assert_cmpint (g_array_index (pivot->cell_stage_ids, gint64, 1 * 3 + 1), ==, 1);
  g_assert_cmpint (g_array_index (pivot->cell_stage_ids, gint64, 1 * 3 + 2), ==, 0);
  g_assert_cmpint (g_array_index (pivot->cell_stage_ids, gint64, 0 * 3 + 2), ==, 11);

  /* Totals: 2 sales of Аудит (1700000), 7 of Консалтинг (2800000). */
  g_assert_cmpuint (g_array_index (pivot->column_counts, guint, 0), ==, 2);
  g_assert_cmpint (g_array_index (pivot->column_amounts, gint64, 0), ==, 1700000);
  g_assert_cmpuint (g_array_index (pivot->column_counts, guint, 1), ==, 7);
  g_assert_cmpint (g_array_index (pivot->column_amounts, gint64, 1), ==, 2800000);
  g_assert_cmpuint (g_array_index (pivot->column_counts, guint, 2), ==, 0);
  g_assert_cmpuint (pivot->total_count, ==, 9);
  g_assert_cmpint (pivot->total_amount, ==, 4500000);
  g_clear_pointer (&pivot, scim_pivot_free);

  /* As of day 14: S1, S2, S3 at Интерес, S4 paused, S8 and S9 at
   * Знакомство of Аудит. */
  filter.as_of = AT (14);
  pivot = scim_store_pivot (f->store, SCIM_PIVOT_STAGE_PRODUCT, &filter, 0, &error);
  g_assert_no_error (error);
  assert_pivot_totals (pivot);
  g_assert_cmpuint (cell_count (pivot, 2, 1), ==, 3);
  g_assert_cmpuint (cell_count (pivot, 5, 1), ==, 1);
  g_assert_cmpuint (cell_count (pivot, 1, 0), ==, 2);
  g_assert_cmpuint (pivot->total_count, ==, 6);
  g_clear_pointer (&pivot, scim_pivot_free);

  /* One product: one column. */
  filter.as_of = 0;
  filter.product_id = 2;
  pivot = scim_store_pivot (f->store, SCIM_PIVOT_STAGE_PRODUCT, &filter, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pivot->column_ids->len, ==, 1);
  g_assert_cmpuint (pivot->total_count, ==, 2);
}

static void
test_pivot_owners_and_clients (Fixture       *f,
                               gconstpointer  data)
{
  ScimFunnelFilter filter = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimPivot) pivot = scim_store_pivot (f->store, SCIM_PIVOT_OWNER_PRODUCT, &filter, 0, &error);

  /* Ivan: S1, S2, S6 of Консалтинг (900000), S8 of Аудит (800000);
   * Olga: S3, S4, S5, S7 (1900000), S9 (900000).  Nobody else owns any. */
  g_assert_no_error (error);
  assert_pivot_totals (pivot);
  g_assert_cmpuint (pivot->row_ids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (pivot->row_names, 0), ==, "Иван Петров");
  g_assert_cmpint (g_array_index (pivot->row_ids, gint64, 0), ==, 2);
  g_assert_cmpuint (cell_count (pivot, 0, 1), ==, 3);
  g_assert_cmpint (cell_amount (pivot, 0, 1), ==, 900000);
  g_assert_cmpuint (cell_count (pivot, 0, 0), ==, 1);
  g_assert_cmpuint (cell_count (pivot, 1, 1), ==, 4);
  g_assert_cmpint (cell_amount (pivot, 1, 1), ==, 1900000);
  g_assert_cmpuint (g_array_index (pivot->row_counts, guint, 1), ==, 5);
  g_assert_cmpuint (pivot->total_count, ==, 9);
  g_assert_cmpint (pivot->total_amount, ==, 4500000);
  g_assert_null (pivot->cell_stage_ids);
  g_clear_pointer (&pivot, scim_pivot_free);

  /* Clients by the amount of their sales: Бета 200000 + 700000 + 800000,
   * Гамма 300000 + 900000, then Альфа and Эпсилон 600000, Дельта 400000.
   * The two biggest; the totals still count everyone. */
  pivot = scim_store_pivot (f->store, SCIM_PIVOT_CLIENT_PRODUCT, &filter, 2, &error);
  g_assert_no_error (error);
  assert_pivot_totals (pivot);
  g_assert_cmpuint (pivot->row_ids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (pivot->row_names, 0), ==, "Бета");
  g_assert_cmpstr (g_ptr_array_index (pivot->row_names, 1), ==, "Гамма");
  g_assert_cmpuint (cell_count (pivot, 0, 1), ==, 2);
  g_assert_cmpint (cell_amount (pivot, 0, 1), ==, 900000);
  g_assert_cmpuint (cell_count (pivot, 0, 0), ==, 1);
  g_assert_cmpint (g_array_index (pivot->row_amounts, gint64, 0), ==, 1700000);
  g_assert_cmpint (g_array_index (pivot->row_amounts, gint64, 1), ==, 1200000);
  g_assert_cmpuint (g_array_index (pivot->column_counts, guint, 1), ==, 7);
  g_assert_cmpuint (pivot->total_count, ==, 9);
  g_assert_cmpint (pivot->total_amount, ==, 4500000);
  g_clear_pointer (&pivot, scim_pivot_free);

  /* All clients: five rows, adding up to the totals. */
  pivot = scim_store_pivot (f->store, SCIM_PIVOT_CLIENT_PRODUCT, &filter, 0, &error);
  g_assert_no_error (error);
  assert_pivot_totals (pivot);
  g_assert_cmpuint (pivot->row_ids->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (pivot->row_names, 4), ==, "Дельта");
  g_assert_cmpuint (pivot->total_count, ==, 9);
  g_clear_pointer (&pivot, scim_pivot_free);

  /* As of day 14, a salesperson's sales that existed then: Olga's S3, S4,
   * S9 (S5 and S7 came later). */
  filter.as_of = AT (14);
  filter.owner_id = 3;
  pivot = scim_store_pivot (f->store, SCIM_PIVOT_OWNER_PRODUCT, &filter, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pivot->row_ids->len, ==, 1);
  g_assert_cmpuint (pivot->total_count, ==, 3);
}

static ScimPerformance *
person (GPtrArray  *rows,
        const char *name)
{
  for (guint i = 0; i < rows->len; i++)
    {
      ScimPerformance *row = g_ptr_array_index (rows, i);
      if (g_str_equal (row->name, name))
        return row;
    }
  g_assert_not_reached ();
}

/* The summaries (schema version 13) */

static char *
raw_text (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text != NULL ? text : g_strdup ("");
}

/* Whether @sql gives @expected. */
static gboolean
raw_is (const char *path,
        const char *sql,
        const char *expected)
{
  g_autofree char *text = raw_text (path, sql);

  return g_str_equal (text, expected);
}

/* What the triggers keep, in a fixed order, rows of nothing left out. */
static char *
summary_tables (const char *path)
{
  static const char * const queries[] = {
    "SELECT group_concat(r, ' ') FROM (SELECT product_id || ',' || furthest_id || ',' || current_id || ':' || sales AS r "
    "FROM funnel_paths WHERE sales != 0 ORDER BY product_id, furthest_id, current_id)",
    "SELECT group_concat(r, ' ') FROM (SELECT product_id || ',' || side_id || ',' || current_id || ':' || sales AS r "
    "FROM funnel_sides WHERE sales != 0 ORDER BY product_id, side_id, current_id)",
    "SELECT group_concat(r, ' ') FROM (SELECT stage_id || ':' || sales || ',' || amount || ',' || stays || ',' || "
    "closed_seconds || ',' || open_stays || ',' || open_entered AS r FROM stage_totals "
    "WHERE sales != 0 OR amount != 0 OR stays != 0 OR closed_seconds != 0 OR open_stays != 0 OR open_entered != 0 "
    "ORDER BY stage_id)",
    "SELECT group_concat(r, ' ') FROM (SELECT sale_id || ',' || product_id || ',' || coalesce(furthest_id, '-') || ',' || "
    "coalesce(current_id, '-') AS r FROM sale_paths ORDER BY sale_id)",
    "SELECT group_concat(r, ' ') FROM (SELECT sale_id || ',' || stage_id AS r FROM sale_sides ORDER BY sale_id, stage_id)",
  };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *part = raw_text (path, queries[i]);
      g_string_append_printf (text, "%s\n", part);
    }
  return g_string_free (text, FALSE);
}

static gboolean
nothing_cb (ScimTx    *tx,
            gpointer   user_data,
            GError   **error)
{
  return TRUE;
}

/* The summaries the triggers kept equal those worked out again from the
 * sales and stays (every product marked, then any write). */
static void
assert_summaries_rebuild_same (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *rebuilt = NULL;

  /* What an outside writer's stage edit marked is rebuilt by any write
   * first: until then the funnel reads that product's history. */
  g_assert_true (scim_store_write (f->store, nothing_cb, NULL, &error));
  g_assert_no_error (error);
  kept = summary_tables (f->path);
  raw_exec (f->path, "INSERT OR IGNORE INTO funnel_dirty SELECT id FROM products");
  g_assert_true (scim_store_write (f->store, nothing_cb, NULL, &error));
  g_assert_no_error (error);
  rebuilt = summary_tables (f->path);
  g_assert_cmpstr (kept, ==, rebuilt);
}

static void
assert_funnels_same (const ScimFunnel *a,
                     const ScimFunnel *b)
{
  g_assert_cmpuint (a->stages->len, ==, b->stages->len);
  for (guint i = 0; i < a->stages->len; i++)
    {
      const ScimFunnelStage *x = stage (a, i), *y = stage (b, i);

      g_test_message ("stage %u “%s”: count %u/%u reached %u/%u closed %u/%u stuck %u/%u days %.4f/%.4f", i,
                      x->name, x->count, y->count, x->reached, y->reached, x->closed, y->closed, x->stuck, y->stuck,
                      x->avg_days, y->avg_days);
      g_assert_cmpint (x->stage_id, ==, y->stage_id);
      g_assert_cmpuint (x->count, ==, y->count);
      g_assert_cmpint (x->amount, ==, y->amount);
      g_assert_cmpuint (x->reached, ==, y->reached);
      g_assert_cmpuint (x->closed, ==, y->closed);
      g_assert_cmpuint (x->stuck, ==, y->stuck);
      g_assert_cmpfloat_with_epsilon (x->avg_days, y->avg_days, 1e-3);
      assert_near (x->share, y->share);
      assert_near (x->conversion, y->conversion);
      assert_near (x->observed_win_rate, y->observed_win_rate);
    }
  g_assert_cmpint (a->worst_step, ==, b->worst_step);
  g_assert_cmpuint (a->in_work, ==, b->in_work);
  g_assert_cmpint (a->in_work_amount, ==, b->in_work_amount);
  g_assert_cmpuint (a->won, ==, b->won);
  g_assert_cmpuint (a->lost, ==, b->lost);
  g_assert_cmpuint (a->paused, ==, b->paused);
  g_assert_cmpint (a->forecast_amount, ==, b->forecast_amount);
}

/* The funnel from the summaries equals the one folded from the history
 * (the product marked in funnel_dirty for the second read only). */
static void
assert_summary_is_history (Fixture *f,
                           gint64   product_id)
{
  ScimFunnelFilter filter = { .product_id = product_id };
  g_autoptr(ScimFunnel) summary = funnel_of (f, &filter);
  g_autoptr(ScimFunnel) history = NULL;
  g_autofree char *mark = g_strdup_printf ("INSERT INTO funnel_dirty VALUES (%" G_GINT64_FORMAT ")", product_id);
  g_autofree char *unmark = g_strdup_printf ("DELETE FROM funnel_dirty WHERE product_id = %" G_GINT64_FORMAT, product_id);

  g_autofree char *marked = g_strdup_printf ("SELECT count(*) FROM funnel_dirty WHERE product_id = %" G_GINT64_FORMAT,
                                             product_id);
  g_autofree char *was_marked = raw_text (f->path, marked);

  /* An outside writer's edit of the stages may have marked it already:
   * then both read the history, and the mark stays for the next write. */
  if (g_str_equal (was_marked, "0"))
    raw_exec (f->path, mark);
  history = funnel_of (f, &filter);
  if (g_str_equal (was_marked, "0"))
    raw_exec (f->path, unmark);
  assert_funnels_same (summary, history);
}

static gint64
random_row (Fixture    *f,
            GRand      *rand,
            const char *sql)
{
  g_autofree char *ids = raw_text (f->path, sql);
  g_auto(GStrv) parts = g_strsplit (ids, ",", -1);
  guint n = g_strv_length (parts);

  return n == 0 || parts[0][0] == '\0' ? 0 : g_ascii_strtoll (parts[g_rand_int_range (rand, 0, (int) n)], NULL, 10);
}

static void
test_summaries (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimUser) admin = scim_store_sign_in (f->store, "admin", NULL, &error);
  guint32 seed = g_test_rand_int ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  ScimFunnelFilter filter = { .product_id = 1 };
  guint reorders = 0;

  g_assert_no_error (error);
  g_test_message ("seed %u", seed);

  /* The fixture's history, written by plain SQL, is summarized: the
   * funnel reads the summaries (a count changed by hand shows), and they
   * equal the history and a rebuild. */
  g_assert_true (raw_is (f->path, "SELECT count(*) FROM funnel_dirty", "0"));
  assert_summary_is_history (f, 1);
  assert_summary_is_history (f, 2);
  assert_summaries_rebuild_same (f);
  raw_exec (f->path, "UPDATE funnel_paths SET sales = sales + 100 WHERE product_id = 1 AND furthest_id = 4");
  {
    g_autoptr(ScimFunnel) tampered = funnel_of (f, &filter);
    g_assert_cmpuint (stage (tampered, 0)->reached, ==, 107);
  }
  raw_exec (f->path, "INSERT INTO funnel_dirty VALUES (1)");
  {
    g_autoptr(ScimFunnel) history = funnel_of (f, &filter);
    g_assert_cmpuint (stage (history, 0)->reached, ==, 7);
  }
  /* A write rebuilds a marked product. */
  g_assert_true (scim_store_write (f->store, nothing_cb, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (raw_is (f->path, "SELECT count(*) FROM funnel_dirty", "0"));
  {
    g_autoptr(ScimFunnel) rebuilt = funnel_of (f, &filter);
    g_assert_cmpuint (stage (rebuilt, 0)->reached, ==, 7);
  }

  /* Then whatever the app and an outside writer do, in a random order. */
  for (int step = 0; step < 80; step++)
    {
      int op = g_rand_int_range (rand, 0, 9);
      gint64 sale = random_row (f, rand, "SELECT group_concat(id) FROM sales WHERE product_id = 1");
      gint64 stage_id = random_row (f, rand, "SELECT group_concat(id) FROM stages WHERE product_id = 1");
      g_autofree char *sql = NULL;

      g_test_message ("step %d: op %d, sale %" G_GINT64_FORMAT ", stage %" G_GINT64_FORMAT, step, op, sale, stage_id);
      switch (op)
        {
        case 0: case 1: case 2:   /* a move */
          if (sale == 0 || stage_id == 0)
            break;
          if (!scim_store_move_sale (f->store, sale, stage_id, "Дорого", g_get_real_time () / G_USEC_PER_SEC + 10 * D,
                                     &error))
            {
              /* The rules may refuse (the same stage); the summaries stay. */
              g_test_message ("refused: %s", error->message);
              g_clear_error (&error);
            }
          break;
        case 3:                   /* a new sale */
          g_assert_cmpint (scim_store_add_sale (f->store, g_rand_int_range (rand, 1, 6), g_rand_int_range (rand, 1, 3),
                                                g_rand_int_range (rand, 2, 4), g_rand_int_range (rand, 0, 100) * 1000, 0,
                                                &error), >, 0);
          g_assert_no_error (error);
          break;
        case 4:                   /* an outside writer changes an amount */
          sql = g_strdup_printf ("UPDATE sales SET amount = amount + 1500 WHERE id = %" G_GINT64_FORMAT, sale);
          raw_exec (f->path, sql);
          break;
        case 5:                   /* the stages reordered */
          {
            g_autofree char *ids = raw_text (f->path, "SELECT group_concat(id) FROM (SELECT id FROM stages "
                                                      "WHERE product_id = 1 ORDER BY position, id)");
            g_auto(GStrv) parts = g_strsplit (ids, ",", -1);
            g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (gint64));

            for (guint i = 0; parts[i] != NULL && parts[i][0] != '\0'; i++)
              {
                gint64 id = g_ascii_strtoll (parts[i], NULL, 10);
                g_array_append_val (order, id);
              }
            /* Two neighbours swap places; the rules may refuse. */
            if (order->len > 1)
              {
                guint i = (guint) g_rand_int_range (rand, 0, (int) order->len - 1);
                gint64 t = g_array_index (order, gint64, i);

                g_array_index (order, gint64, i) = g_array_index (order, gint64, i + 1);
                g_array_index (order, gint64, i + 1) = t;
              }
            if (!scim_store_reorder_stages (f->store, 1, (gint64 *) order->data, order->len, &error))
              {
                g_test_message ("refused: %s", error->message);
                g_clear_error (&error);
              }
            else
              reorders++;
          }
          break;
        case 6:                   /* an outside writer changes a stage's kind */
          sql = g_strdup_printf ("UPDATE stages SET kind = CASE kind WHEN 'open' THEN 'paused' WHEN 'paused' THEN 'open' "
                                 "ELSE kind END WHERE id = %" G_GINT64_FORMAT, stage_id);
          raw_exec (f->path, sql);
          break;
        case 7:                   /* a sale deleted by an outside writer */
          sql = g_strdup_printf ("DELETE FROM sales WHERE id = %" G_GINT64_FORMAT, sale);
          raw_exec (f->path, sql);
          break;
        case 8:                   /* a stage deleted, its sales moved; or a stage added */
          if (g_rand_boolean (rand) && stage_id != 0 &&
              raw_is (f->path, "SELECT count(*) > 4 FROM stages WHERE product_id = 1", "1"))
            {
              gint64 to = random_row (f, rand, "SELECT group_concat(id) FROM stages WHERE product_id = 1 AND kind = 'open'");

              if (to != stage_id && to != 0)
                {
                  /* The rules may refuse (the last won stage). */
                  if (!scim_store_delete_stage (f->store, stage_id, to, &error))
                    {
                      g_test_message ("refused: %s", error->message);
                      g_clear_error (&error);
                    }
                }
            }
          else
            {
              g_autofree char *name = g_strdup_printf ("Этап %d", step);
              ScimStageFields fields = { name, "", "open", 40, 3 };

              if (scim_store_add_stage (f->store, 1, g_rand_int_range (rand, 0, 5), &fields, &error) <= 0)
                g_error ("add stage: %s", error->message);
            }
          break;
        default:
          g_assert_not_reached ();
        }
      assert_summary_is_history (f, 1);
      assert_summary_is_history (f, 2);
      if (step % 10 == 9)
        assert_summaries_rebuild_same (f);
    }
  assert_summaries_rebuild_same (f);
  g_test_message ("%u reorders", reorders);
}

static void
test_performance (Fixture       *f,
                  gconstpointer  data)
{
  ScimFunnelFilter filter = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = scim_store_performance (f->store, &filter, &error);
  ScimPerformance *ivan, *olga;

  /* Salespeople only (the admin owns nothing), by name. */
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  ivan = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (ivan->name, ==, "Иван Петров");
  g_assert_cmpint (ivan->user_id, ==, 2);

  /* Ivan: S2 in work (S6 is paused), S1 and S8 won, nothing lost; cycles
   * 30 days (S1) and 15 (S8, day 5 to 20); one planned task overdue. */
  g_assert_cmpuint (ivan->in_work, ==, 1);
  g_assert_cmpuint (ivan->won, ==, 2);
  g_assert_cmpuint (ivan->lost, ==, 0);
  assert_near (ivan->conversion, 1);
  assert_near (ivan->avg_cycle_days, 22.5);
  g_assert_cmpuint (ivan->overdue_tasks, ==, 1);

  /* Olga: S4, S5, S9 in work, S3 and S7 lost; the task on S4 due on day 1
   * and the one on S9 are overdue, the done one is not. */
  olga = person (rows, "Ольга Смирнова");
  g_assert_cmpuint (olga->in_work, ==, 3);
  g_assert_cmpuint (olga->won, ==, 0);
  g_assert_cmpuint (olga->lost, ==, 2);
  assert_near (olga->conversion, 0);
  assert_near (olga->avg_cycle_days, 0);
  g_assert_cmpuint (olga->overdue_tasks, ==, 2);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* One product: Консалтинг; Olga's task on S9 (Аудит) is not counted. */
  filter.product_id = 1;
  rows = scim_store_performance (f->store, &filter, &error);
  g_assert_no_error (error);
  ivan = person (rows, "Иван Петров");
  olga = person (rows, "Ольга Смирнова");
  g_assert_cmpuint (ivan->won, ==, 1);
  assert_near (ivan->avg_cycle_days, 30);
  g_assert_cmpuint (olga->in_work, ==, 2);
  g_assert_cmpuint (olga->overdue_tasks, ==, 1);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* One salesperson. */
  filter.product_id = 0;
  filter.owner_id = 3;
  rows = scim_store_performance (f->store, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* As of day 26: Ivan's S1 at 3, S2 at 2, S8 won (day 20: 15 days);
   * Olga's S3 lost, S4 paused, S9 at 7.  Olga's tasks then: the one due
   * on day 1 and the one due on day 6 were planned, the third was done on
   * day 4. */
  filter.owner_id = 0;
  filter.as_of = AT (26);
  rows = scim_store_performance (f->store, &filter, &error);
  g_assert_no_error (error);
  ivan = person (rows, "Иван Петров");
  olga = person (rows, "Ольга Смирнова");
  g_assert_cmpuint (ivan->in_work, ==, 2);
  g_assert_cmpuint (ivan->won, ==, 1);
  assert_near (ivan->avg_cycle_days, 15);
  g_assert_cmpuint (olga->in_work, ==, 1);
  g_assert_cmpuint (olga->lost, ==, 1);
  g_assert_cmpuint (olga->overdue_tasks, ==, 2);
}

static void
test_cross_sell (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = scim_store_cross_sell (f->store, 0, &error);
  ScimCrossSell *row;

  /* Альфа (Производство) has Консалтинг but not Аудит (also Производство;
   * Архив is inactive).  Гамма and Дельта (Торговля) fit Налоги.  Бета
   * has both products of its audience; Эпсилон has no audience. */
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpint (row->client_id, ==, 1);
  g_assert_cmpstr (row->client, ==, "Альфа");
  g_assert_cmpstr (row->has_product, ==, "Консалтинг");
  g_assert_cmpint (row->product_id, ==, 2);
  g_assert_cmpstr (row->fits_product, ==, "Аудит");
  g_assert_cmpstr (row->audience, ==, "Производство");
  row = g_ptr_array_index (rows, 1);
  g_assert_cmpstr (row->client, ==, "Гамма");
  g_assert_cmpstr (row->has_product, ==, "Аудит, Консалтинг");
  g_assert_cmpstr (row->fits_product, ==, "Налоги");
  g_assert_cmpstr (row->audience, ==, "Торговля");
  row = g_ptr_array_index (rows, 2);
  g_assert_cmpstr (row->client, ==, "Дельта");
  g_clear_pointer (&rows, g_ptr_array_unref);

  rows = scim_store_cross_sell (f->store, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
}

/* The painter */

/* A funnel made by hand: five open/won stages with @values in work and
 * reached, a pause and a refusal. */
static ScimFunnel *
made_funnel (const guint *counts,
             const guint *reached,
             guint        n)
{
  ScimFunnel *funnel = g_new0 (ScimFunnel, 1);
  static const char *names[] = { "Не осведомлён о продукте", "Интерес выявлен", "Предложение отправлено",
                                 "Цена согласуется", "Сделка заключена", "Деньги получены", "Повторная покупка",
                                 "Договор на согласовании у юристов", "Счёт выставлен, ждём оплату",
                                 "Коммерческое предложение отправлено" };
  static const char *sides[] = { "Пауза", "Отказ" };
  double worst = 2;

  funnel->product_id = 1;
  funnel->product = g_strdup ("Финансовый консалтинг");
  funnel->stages = g_ptr_array_new ();
  funnel->worst_step = -1;
  for (guint i = 0; i < n + 2; i++)
    {
      ScimFunnelStage *stage = g_new0 (ScimFunnelStage, 1);

      stage->stage_id = i + 1;
      g_assert_true (n <= G_N_ELEMENTS (names));
      stage->name = g_strdup (i < n ? names[i] : sides[i - n]);
      stage->kind = g_strdup (i < n ? (i + 1 == n ? "won" : "open") : i == n ? "paused" : "lost");
      stage->count = i < n ? counts[i] : 4 + i;
      stage->reached = i < n ? reached[i] : 10 + i;
      stage->amount = (gint64) stage->count * 12345600;
      stage->share = (double) stage->reached / reached[0];
      stage->conversion = i + 1 < n ? (double) reached[i + 1] / reached[i] : -1;
      if (i + 1 < n && stage->conversion < worst)
        {
          worst = stage->conversion;
          funnel->worst_step = (int) i;
        }
      g_ptr_array_add (funnel->stages, stage);
    }
  return funnel;
}

static void
free_made_funnel (ScimFunnel *funnel)
{
  for (guint i = 0; i < funnel->stages->len; i++)
    {
      ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, i);
      g_free (stage->name);
      g_free (stage->kind);
      g_free (stage);
    }
  g_ptr_array_unref (funnel->stages);
  funnel->stages = NULL;
  g_free (funnel->product);
  g_free (funnel);
}

static guint
painted_pixels (cairo_surface_t *surface,
                guint32          background)
{
  const guchar *data;
  int stride, width, height;
  guint n = 0;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if (*(const guint32 *) (data + y * stride + x * 4) != background)
        n++;
  return n;
}

static void
assert_band_labels (GArray *bands,
                    double  width,
                    double  height)
{
  for (guint i = 0; i < bands->len; i++)
    {
      ScimFunnelBand *band = &g_array_index (bands, ScimFunnelBand, i);
      gboolean inside, beside;

      /* Inside the drawing, with some text. */
      g_assert_cmpfloat (band->label_width, >, 0);
      g_assert_cmpfloat (band->label_height, >, 0);
      g_assert_cmpfloat (band->label_x, >=, 0);
      g_assert_cmpfloat (band->label_y, >=, 0);
      g_assert_cmpfloat (band->label_x + band->label_width, <=, width + 0.001);
      g_assert_cmpfloat (band->label_y + band->label_height, <=, height + 0.001);
      g_assert_cmpfloat (band->x, >=, 0);
      g_assert_cmpfloat (band->x + band->width, <=, width + 0.001);

      /* In the band, or beside it (level with it, not over it). */
      inside = band->label_x >= band->x - 0.001 && band->label_x + band->label_width <= band->x + band->width + 0.001;
      beside = band->label_x >= band->x + band->width - 0.001 || band->label_x + band->label_width <= band->x + 0.001;
      g_assert_true (inside || beside);
      g_assert_cmpfloat (band->label_y + band->label_height, >, band->y);
      g_assert_cmpfloat (band->label_y, <, band->y + band->height);
    }
}

static void
test_paint_geometry (void)
{
  static const guint counts[] = { 40, 55, 10, 3, 20 };
  static const guint reached[] = { 200, 160, 60, 12, 9 };
  ScimFunnel *funnel = made_funnel (counts, reached, G_N_ELEMENTS (counts));
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 600);
  cairo_t *cr = cairo_create (surface);
  ScimFunnelStyle style;
  g_autoptr(GArray) bands = NULL;
  double widest = 0;

  scim_funnel_style_init_default (&style, FALSE);

  /* Reached: one band per open/won stage, top to bottom, then the pause
   * and the refusal beside the funnel; widths follow the numbers and so
   * narrow down. */
  bands = scim_funnel_paint (cr, 900, 600, funnel, SCIM_FUNNEL_REACHED, &style);
  g_assert_cmpuint (bands->len, ==, G_N_ELEMENTS (counts) + 2);
  for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
    {
      ScimFunnelBand *band = &g_array_index (bands, ScimFunnelBand, k);

      g_assert_cmpint (band->stage_index, ==, (int) k);
      widest = MAX (widest, band->width);
      if (k > 0)
        {
          ScimFunnelBand *above = &g_array_index (bands, ScimFunnelBand, k - 1);

          g_assert_cmpfloat (band->width, <=, above->width);
          g_assert_cmpfloat (band->y, >=, above->y + above->height);
          /* Centred on one axis. */
          g_assert_cmpfloat_with_epsilon (band->x + band->width / 2, above->x + above->width / 2, 0.001);
        }
    }
  /* Proportional above the minimum width: 160 of 200. */
  g_assert_cmpfloat_with_epsilon (g_array_index (bands, ScimFunnelBand, 1).width / widest, 160.0 / 200, 0.001);
  /* The smallest still shows. */
  g_assert_cmpfloat (g_array_index (bands, ScimFunnelBand, 4).width, >=, 20);
  /* Paused and lost: beside the funnel, right of every band. */
  for (guint k = G_N_ELEMENTS (counts); k < bands->len; k++)
    {
      ScimFunnelBand *side = &g_array_index (bands, ScimFunnelBand, k);

      g_assert_cmpint (side->stage_index, ==, (int) k);
      g_assert_cmpfloat (side->x, >=, g_array_index (bands, ScimFunnelBand, 0).x + widest);
    }
  assert_band_labels (bands, 900, 600);
  g_assert_cmpint (scim_funnel_band_at (bands, g_array_index (bands, ScimFunnelBand, 2).x + 1,
                                        g_array_index (bands, ScimFunnelBand, 2).y + 1), ==, 2);
  g_assert_cmpint (scim_funnel_band_at (bands, 1, 1), ==, -1);

  /* Reached fills every band whole. */
  for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
    g_assert_cmpfloat (g_array_index (bands, ScimFunnelBand, k).fill_width, ==,
                       g_array_index (bands, ScimFunnelBand, k).width);

  /* In work: the same outline, what reached each stage, so it still
   * narrows downward though more stand at the second stage (55) than at
   * the first (40); each band is filled with the part standing there. */
  {
    double reached_widths[G_N_ELEMENTS (counts)];
    guint n_reached = bands->len;

    g_autoptr(GArray) in_work = NULL;

    for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
      reached_widths[k] = g_array_index (bands, ScimFunnelBand, k).width;
    in_work = scim_funnel_paint (cr, 900, 600, funnel, SCIM_FUNNEL_IN_WORK, &style);
    g_assert_cmpuint (in_work->len, ==, n_reached);
    for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
      {
        ScimFunnelBand *band = &g_array_index (in_work, ScimFunnelBand, k);

        g_assert_cmpfloat (band->width, ==, reached_widths[k]);
        if (k > 0)
          g_assert_cmpfloat (band->width, <=, g_array_index (in_work, ScimFunnelBand, k - 1).width);
        g_assert_cmpfloat (band->fill_width, <=, band->width);
        g_assert_cmpfloat (band->fill_width, >=, 4);
      }
    /* 40 of 200 at the top, 55 of 160 at the second. */
    g_assert_cmpfloat_with_epsilon (g_array_index (in_work, ScimFunnelBand, 0).fill_width /
                                    g_array_index (in_work, ScimFunnelBand, 0).width, 40.0 / 200, 0.001);
    g_assert_cmpfloat_with_epsilon (g_array_index (in_work, ScimFunnelBand, 1).fill_width /
                                    g_array_index (in_work, ScimFunnelBand, 1).width, 55.0 / 160, 0.001);
    assert_band_labels (in_work, 900, 600);
    g_clear_pointer (&bands, g_array_unref);
  }

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  free_made_funnel (funnel);
}

static void
test_paint_small (void)
{
  static const guint counts[] = { 5, 4, 3, 2, 1, 1, 0 };
  static const guint reached[] = { 1000, 500, 250, 100, 10, 2, 1 };
  ScimFunnel *funnel = made_funnel (counts, reached, G_N_ELEMENTS (counts));
  ScimFunnelStyle style;

  scim_funnel_style_init_default (&style, TRUE);

  /* Narrow and low: labels go beside the thin bands, or get shorter, but
   * never leave the drawing; paused and lost go below. */
  for (guint size = 0; size < 3; size++)
    {
      static const double sizes[][2] = { { 320, 240 }, { 200, 150 }, { 480, 900 } };
      double w = sizes[size][0], h = sizes[size][1];
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) w, (int) h);
      cairo_t *cr = cairo_create (surface);
      g_autoptr(GArray) bands = scim_funnel_paint (cr, w, h, funnel, SCIM_FUNNEL_REACHED, &style);

      g_assert_cmpuint (bands->len, >=, G_N_ELEMENTS (counts));
      assert_band_labels (bands, w, h);
      for (guint k = 1; k < G_N_ELEMENTS (counts); k++)
        g_assert_cmpfloat (g_array_index (bands, ScimFunnelBand, k).width, <=,
                           g_array_index (bands, ScimFunnelBand, k - 1).width);
      if (bands->len > G_N_ELEMENTS (counts))
        g_assert_cmpfloat (g_array_index (bands, ScimFunnelBand, G_N_ELEMENTS (counts)).y, >=,
                           g_array_index (bands, ScimFunnelBand, G_N_ELEMENTS (counts) - 1).y);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
  free_made_funnel (funnel);
}

typedef struct
{
  ScimFunnel            *funnel;
  ScimFunnelMode         mode;
  const ScimFunnelStyle *style;
} MadePicture;

static GArray *
made_layout_cb (cairo_t  *cr,
                double    width,
                double    height,
                gpointer  data)
{
  MadePicture *picture = data;

  return scim_funnel_paint (cr, width, height, picture->funnel, picture->mode, picture->style);
}

/* The chart's pane at 1280x800 and at 1024x768, with the seed's five
 * stages or ten, in either mode: every label whole in the UI's own type
 * size.  The seed's five fit the pane at 1280x800 as it is; where a pane
 * is too low for ten, the picture is taller (the chart scrolls) rather than
 * its type smaller or its labels cut. */
static void
check_labels_whole (void)
{
  static const guint counts5[] = { 40, 22, 12, 6, 3 };
  static const guint reached5[] = { 120, 80, 45, 20, 9 };
  static const guint counts10[] = { 40, 30, 22, 16, 12, 9, 6, 4, 3, 2 };
  static const guint reached10[] = { 300, 220, 160, 120, 90, 70, 50, 35, 20, 12 };
  static const double sizes[][2] = { { 900, 560 }, { 760, 500 }, { 640, 460 } };
  ScimFunnelStyle style;

  scim_funnel_style_init_default (&style, FALSE);
  for (guint f = 0; f < 2; f++)
    {
      ScimFunnel *funnel = f == 0 ? made_funnel (counts5, reached5, 5) : made_funnel (counts10, reached10, 10);

      for (guint size = 0; size < G_N_ELEMENTS (sizes); size++)
        for (guint m = 0; m < 2; m++)
          {
            ScimFunnelMode mode = m == 0 ? SCIM_FUNNEL_REACHED : SCIM_FUNNEL_IN_WORK;
            MadePicture picture = { funnel, mode, &style };
            double w = sizes[size][0];
            double h = scim_funnel_min_height (made_layout_cb, &picture, w, sizes[size][1]);
            cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) w, (int) ceil (h));
            cairo_t *cr = cairo_create (surface);
            g_autoptr(GArray) bands = scim_funnel_paint (cr, w, h, funnel, mode, &style);

            g_test_message ("%u stages in %.0fx%.0f, mode %d: %.0f high", f == 0 ? 5 : 10, w, sizes[size][1],
                            mode, h);
            g_assert_cmpfloat (h, >=, sizes[size][1]);
            /* Never a tall strip: at most two and a half panes (ten long
             * Russian stages in the pane of 1024x768). */
            g_assert_cmpfloat (h, <=, sizes[size][1] * 2.5);
            /* The pane of 1280x800 holds five stages or ten as it is. */
            if (size == 0)
              g_assert_cmpfloat (h, ==, sizes[size][1]);
            assert_band_labels (bands, w, h);
            g_assert_cmpuint (bands->len, ==, funnel->stages->len);
            for (guint b = 0; b < bands->len; b++)
              {
                ScimFunnelBand *band = &g_array_index (bands, ScimFunnelBand, b);
                ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, band->stage_index);

                if (band->label_cut)
                  g_error ("%u stages, %.0fx%.0f, mode %d: “%s” cut", f == 0 ? 5 : 10, w, h, mode, stage->name);
              }
            cairo_destroy (cr);
            cairo_surface_destroy (surface);
          }
      free_made_funnel (funnel);
    }
}

static void
test_paint_labels_whole (void)
{
  check_labels_whole ();
}

/* The same in Russian, whose words run longer: the labels are the
 * translated ones (the catalogue of this build), with the right plural. */
static void
test_paint_labels_whole_ru (void)
{
  g_autofree char *old_language = g_strdup (g_getenv ("LANGUAGE"));
  const char *locale_dir = g_getenv ("SCIM_LOCALEDIR");

  g_assert_nonnull (locale_dir);
  if (setlocale (LC_ALL, "ru_RU.UTF-8") == NULL)
    g_error ("the ru_RU.UTF-8 locale is missing: ./build-aux/dev test makes it");
  g_setenv ("LANGUAGE", "ru", TRUE);
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  {
    g_autofree char *five = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u sale in work", "%u sales in work", 5), 5);
    g_autofree char *two = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u sale in work", "%u sales in work", 2), 2);

    g_assert_cmpstr (five, ==, "5 продаж в работе");
    g_assert_cmpstr (two, ==, "2 продажи в работе");
  }
  check_labels_whole ();

  g_setenv ("LANGUAGE", old_language != NULL ? old_language : "en", TRUE);
  setlocale (LC_ALL, "");
}

/* The funnel beside itself at another moment: the present on the left,
 * each of its bands with the difference from the same stage then, in the
 * mode's number; each half a whole funnel in its own half, labels whole. */
static void
test_paint_compare (void)
{
  static const guint now_counts[] = { 40, 22, 12, 6, 3 };
  static const guint now_reached[] = { 120, 80, 45, 20, 9 };
  static const guint then_counts[] = { 35, 25, 12, 4, 3 };
  static const guint then_reached[] = { 100, 70, 45, 22, 9 };
  ScimFunnel *now = made_funnel (now_counts, now_reached, 5);
  ScimFunnel *then = made_funnel (then_counts, then_reached, 5);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1000, 560);
  cairo_t *cr = cairo_create (surface);
  ScimFunnelStyle style;

  scim_funnel_style_init_default (&style, FALSE);
  for (guint m = 0; m < 2; m++)
    {
      ScimFunnelMode mode = m == 0 ? SCIM_FUNNEL_IN_WORK : SCIM_FUNNEL_REACHED;
      g_autoptr(GArray) bands = scim_funnel_paint_compare (cr, 1000, 560, now, then, "Now", "30 days ago", mode, &style);
      guint n_now = 0, n_then = 0;

      assert_band_labels (bands, 1000, 560);
      for (guint b = 0; b < bands->len; b++)
        {
          ScimFunnelBand *band = &g_array_index (bands, ScimFunnelBand, b);

          g_assert_false (band->label_cut);
          if (band->funnel_index == 0)
            {
              ScimFunnelStage *stage = g_ptr_array_index (now->stages, band->stage_index);
              ScimFunnelStage *was = g_ptr_array_index (then->stages, band->stage_index);
              int is_value = (int) (mode == SCIM_FUNNEL_REACHED ? stage->reached : stage->count);
              int was_value = (int) (mode == SCIM_FUNNEL_REACHED ? was->reached : was->count);

              n_now++;
              g_assert_true (band->compared);
              g_assert_cmpint (band->delta, ==, is_value - was_value);
              g_assert_cmpfloat (band->x + band->width, <=, 500 + 0.001);
              g_assert_cmpfloat (band->label_x + band->label_width, <=, 500 + 0.001);
            }
          else
            {
              g_assert_cmpint (band->funnel_index, ==, 1);
              n_then++;
              g_assert_false (band->compared);
              g_assert_cmpfloat (band->x, >=, 500 - 0.001);
              g_assert_cmpfloat (band->label_x, >=, 500 - 0.001);
            }
        }
      g_assert_cmpuint (n_now, ==, now->stages->len);
      g_assert_cmpuint (n_then, ==, then->stages->len);
      /* Both narrow downward, in their own halves. */
      for (guint b = 1; b < 5; b++)
        {
          g_assert_cmpfloat (g_array_index (bands, ScimFunnelBand, b).width, <=,
                             g_array_index (bands, ScimFunnelBand, b - 1).width);
          g_assert_cmpfloat (g_array_index (bands, ScimFunnelBand, n_now + b).width, <=,
                             g_array_index (bands, ScimFunnelBand, n_now + b - 1).width);
        }
      /* The stage that shrank in work is marked so: 22 against 25. */
      if (mode == SCIM_FUNNEL_IN_WORK)
        g_assert_cmpint (g_array_index (bands, ScimFunnelBand, 1).delta, ==, -3);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  free_made_funnel (now);
  free_made_funnel (then);
}

static void
test_paint_not_blank (Fixture       *f,
                      gconstpointer  data)
{
  ScimFunnelFilter filter = { .product_id = 1 };
  g_autoptr(ScimFunnel) funnel = funnel_of (f, &filter);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 640, 480);
  cairo_t *cr = cairo_create (surface);
  ScimFunnelStyle style;
  g_autoptr(GArray) bands = NULL;
  g_autofree char *about = NULL;
  guint32 white = 0xFFFFFFFF;
  guint painted;

  /* HiDPI: the caller's scale; the bands are in its units. */
  scim_funnel_style_init_default (&style, FALSE);
  cairo_scale (cr, 2, 2);
  bands = scim_funnel_paint (cr, 320, 240, funnel, SCIM_FUNNEL_REACHED, &style);
  g_assert_cmpuint (bands->len, ==, 6);
  assert_band_labels (bands, 320, 240);
  painted = painted_pixels (surface, white);
  g_test_message ("%u of %u pixels painted", painted, 640 * 480);
  g_assert_cmpuint (painted, >, 640 * 480 / 20);
  g_assert_cmpuint (painted_pixels (surface, 0), ==, 640 * 480);   /* the background is opaque */
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  about = scim_funnel_describe_stage (funnel, 2, SCIM_FUNNEL_REACHED);
  g_assert_nonnull (strstr (about, "Предложение"));
  g_assert_nonnull (strstr (about, "worst"));
}

static void
test_paint_many (Fixture       *f,
                 gconstpointer  data)
{
  ScimFunnelFilter filter = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) funnels = scim_store_funnels (f->store, &filter, &error);
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 400);
  cairo_t *cr = cairo_create (surface);
  ScimFunnelStyle style;
  g_autoptr(GArray) bands = NULL;

  g_assert_no_error (error);
  scim_funnel_style_init_default (&style, TRUE);

  /* Three funnels side by side, each band says whose it is. */
  bands = scim_funnel_paint_grid (cr, 900, 400, funnels, SCIM_FUNNEL_IN_WORK, &style);
  for (guint i = 0; i < bands->len; i++)
    {
      ScimFunnelBand *band = &g_array_index (bands, ScimFunnelBand, i);

      g_assert_cmpint (band->funnel_index, >=, 0);
      g_assert_cmpint (band->funnel_index, <, 3);
      g_assert_cmpfloat (band->x, >=, band->funnel_index * 300.0);
      g_assert_cmpfloat (band->x + band->width, <=, (band->funnel_index + 1) * 300.0 + 0.001);
      g_assert_cmpfloat (band->y, >, 10);   /* under the product's name */
    }
  assert_band_labels (bands, 900, 400);
  /* Аудит 2 + 1 side, Консалтинг 4 + 2 sides, Налоги 1. */
  g_assert_cmpuint (bands->len, ==, 3 + 6 + 1);
  g_assert_cmpuint (painted_pixels (surface, 0), >, 900 * 400 / 2);

  scim_funnel_paint_many (cr, 900, 400, funnels, SCIM_FUNNEL_REACHED, &style);
  scim_funnel_paint_many (cr, 900, 400, none, SCIM_FUNNEL_REACHED, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
assert_file_starts (const char *path,
                    const char *magic,
                    gsize       n,
                    const char *contains)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_test_message ("%s: %" G_GSIZE_FORMAT " bytes", path, length);
  g_assert_cmpuint (length, >, 1000);
  g_assert_cmpmem (contents, n, magic, n);
  if (contains != NULL)
    g_assert_nonnull (g_strstr_len (contents, MIN (length, 4096), contains));
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  ScimFunnelFilter filter = { .product_id = 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_funnel_free);
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *png = g_test_build_filename (G_TEST_BUILT, "funnel-test.png", NULL);
  g_autofree char *svg = g_test_build_filename (G_TEST_BUILT, "funnel-test.svg", NULL);
  g_autofree char *pdf = g_test_build_filename (G_TEST_BUILT, "funnel-test.pdf", NULL);
  g_autofree char *all_png = g_test_build_filename (G_TEST_BUILT, "funnel-test-all.png", NULL);
  g_autofree char *bad = g_build_filename (tmpdir, "no-such-folder", "funnel.png", NULL);
  g_autofree char *kept = g_build_filename (tmpdir, "kept.png", NULL);
  g_autofree char *old = NULL;

  g_ptr_array_add (one, funnel_of (f, &filter));
  all = scim_store_funnels (f->store, &filter, &error);
  g_assert_no_error (error);

  g_assert_true (scim_funnel_export (one, SCIM_FUNNEL_REACHED, SCIM_FUNNEL_FORMAT_PNG, png, 800, 600, &error));
  g_assert_no_error (error);
  assert_file_starts (png, "\x89PNG\r\n\x1a\n", 8, NULL);
  assert_png_bands_painted (png, one, SCIM_FUNNEL_REACHED);
  g_assert_true (scim_funnel_export (all, SCIM_FUNNEL_IN_WORK, SCIM_FUNNEL_FORMAT_PNG, all_png, 1200, 500, &error));
  g_assert_no_error (error);
  assert_file_starts (all_png, "\x89PNG\r\n\x1a\n", 8, NULL);
  assert_png_bands_painted (all_png, all, SCIM_FUNNEL_IN_WORK);
  g_assert_true (scim_funnel_export (one, SCIM_FUNNEL_IN_WORK, SCIM_FUNNEL_FORMAT_SVG, svg, 800, 600, &error));
  g_assert_no_error (error);
  assert_file_starts (svg, "<?xml", 5, "<svg");
  assert_svg_bands_painted (svg, one, SCIM_FUNNEL_IN_WORK);
  g_assert_true (scim_funnel_export (one, SCIM_FUNNEL_REACHED, SCIM_FUNNEL_FORMAT_PDF, pdf, 800, 600, &error));
  g_assert_no_error (error);
  assert_file_starts (pdf, "%PDF", 4, NULL);
  {
    static const char * const names[] = { "Знакомство", "Интерес", "Предложение", "Договор", "Пауза", "Отказ", NULL };
    assert_pdf_says (pdf, names);
  }

  /* A folder that does not exist; a size that cannot be. */
  g_assert_false (scim_funnel_export (one, SCIM_FUNNEL_REACHED, SCIM_FUNNEL_FORMAT_PNG, bad, 800, 600, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (kept, "old", -1, NULL));
  g_assert_false (scim_funnel_export (one, SCIM_FUNNEL_REACHED, SCIM_FUNNEL_FORMAT_PNG, kept, 0, 600, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_assert_true (g_file_get_contents (kept, &old, NULL, NULL));
  g_assert_cmpstr (old, ==, "old");
}

int
main (int    argc,
      char **argv)
{
  int ret;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("scim-test-funnel-XXXXXX", NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/funnel/counts-and-reached", test_counts_and_reached);
  ADD ("/funnel/conversion", test_conversion);
  ADD ("/funnel/worst-step", test_worst_step_ties);
  ADD ("/funnel/as-of", test_as_of);
  ADD ("/funnel/stuck", test_stuck);
  ADD ("/funnel/avg-days", test_avg_days);
  ADD ("/funnel/win-rate-and-forecast", test_win_rate_and_forecast);
  ADD ("/funnel/filters", test_filters);
  ADD ("/funnel/all-products", test_all_products);
  ADD ("/funnel/summaries", test_summaries);
  ADD ("/funnel/pivot/stages", test_pivot_stages);
  ADD ("/funnel/pivot/owners-and-clients", test_pivot_owners_and_clients);
  ADD ("/funnel/performance", test_performance);
  ADD ("/funnel/cross-sell", test_cross_sell);
  g_test_add_func ("/funnel/paint/geometry", test_paint_geometry);
  g_test_add_func ("/funnel/paint/small", test_paint_small);
  g_test_add_func ("/funnel/paint/labels-whole", test_paint_labels_whole);
  g_test_add_func ("/funnel/paint/labels-whole-ru", test_paint_labels_whole_ru);
  g_test_add_func ("/funnel/paint/compare", test_paint_compare);
  ADD ("/funnel/paint/not-blank", test_paint_not_blank);
  ADD ("/funnel/paint/many", test_paint_many);
  ADD ("/funnel/export", test_export);

  ret = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
