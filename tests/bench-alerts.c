/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "scim-core.h"

/* The alerts' benchmark (not a test): what the once-a-minute check costs,
 * all alerts of one user, on a large demo database:
 *
 *   build/src/cli/scim-sales-cli --db /tmp/large.db demo --scale large
 *   ninja -C build tests/bench-alerts
 *   build/tests/bench-alerts /tmp/large.db [RUNS]
 *
 * Every salesperson's check is timed (best of RUNS); the table shows the
 * slowest of them, the one with the most alerts, and the head's.  The
 * file is opened without the quick check and only signed in to. */

typedef struct
{
  char   *login;
  double  best;
  double  mean;
  guint   alerts;
  guint64 steps;
  gboolean head;
} Timing;

static void
time_user (ScimStore  *store,
           const char *login,
           guint       runs,
           Timing     *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimUser) user = scim_store_sign_in (store, login, NULL, &error);
  double total = 0;

  if (user == NULL)
    g_error ("%s: %s", login, error->message);
  out->login = g_strdup (login);
  out->best = G_MAXDOUBLE;
  for (guint i = 0; i < runs; i++)
    {
      guint64 steps = scim_store_get_vm_steps (store);
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GPtrArray) alerts = scim_store_list_alerts (store, NULL, &error);
      double ms = (double) (g_get_monotonic_time () - start) / 1000.0;

      if (alerts == NULL)
        g_error ("%s: %s", login, error->message);
      out->best = MIN (out->best, ms);
      total += ms;
      out->alerts = alerts->len;
      out->steps = scim_store_get_vm_steps (store) - steps;
    }
  out->mean = total / runs;
}

static void
print_timing (const char   *what,
              const Timing *t)
{
  g_autofree char *name = g_strdup_printf ("%s (%s)", what, t->login);

  g_print ("   %-40s %8.1f ms best, %8.1f ms mean   %'6u alerts %'9" G_GUINT64_FORMAT " VM steps\n", name, t->best,
           t->mean, t->alerts, t->steps);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimUser) admin = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_USERS);
  g_autoptr(GListModel) users = NULL;
  g_autoptr(GArray) timings = g_array_new (FALSE, TRUE, sizeof (Timing));
  guint runs = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 5;
  const Timing *slowest = NULL, *most = NULL, *head = NULL;
  double sum = 0;
  gint64 start;

  if (argc < 2)
    {
      g_printerr ("usage: bench-alerts DB [RUNS]\n");
      return 2;
    }
  runs = MAX (runs, 1u);

  start = g_get_monotonic_time ();
  store = scim_store_open (argv[1], SCIM_STORE_NO_CHECK, &error);
  if (store == NULL)
    g_error ("%s: %s", argv[1], error->message);
  g_print ("== alerts of one user on %s (open %.1f s, best of %u runs)\n", argv[1],
           (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC, runs);

  admin = scim_store_sign_in (store, "admin", NULL, &error);
  if (admin == NULL)
    g_error ("admin: %s", error->message);
  users = scim_store_list (store, query, &error);
  if (users == NULL)
    g_error ("%s", error->message);

  for (guint i = 0; i < g_list_model_get_n_items (users); i++)
    {
      g_autoptr(ScimUser) user = g_list_model_get_item (users, i);
      const char *role = scim_record_get_string (SCIM_RECORD (user), "role");
      Timing t = { 0 };

      if (!scim_record_get_bool (SCIM_RECORD (user), "active") || scim_record_get_bool (SCIM_RECORD (user), "has-password") ||
          (g_strcmp0 (role, "sales") != 0 && g_strcmp0 (role, "head") != 0))
        continue;
      time_user (store, scim_record_get_string (SCIM_RECORD (user), "login"), runs, &t);
      t.head = g_strcmp0 (role, "head") == 0;
      g_array_append_val (timings, t);
    }
  if (timings->len == 0)
    g_error ("no salesperson without a password in %s", argv[1]);

  for (guint i = 0; i < timings->len; i++)
    {
      const Timing *t = &g_array_index (timings, Timing, i);

      if (t->head)
        {
          if (head == NULL)
            head = t;
          continue;
        }
      sum += t->best;
      if (slowest == NULL || t->best > slowest->best)
        slowest = t;
      if (most == NULL || t->alerts > most->alerts)
        most = t;
    }
  if (slowest != NULL)
    {
      g_autofree char *all = g_strdup_printf ("mean of %u salespeople", timings->len - (head != NULL));

      print_timing ("slowest salesperson", slowest);
      print_timing ("most alerts", most);
      g_print ("   %-40s %8.1f ms best\n", all, sum / (timings->len - (head != NULL)));
    }
  if (head != NULL)
    print_timing ("head of sales", head);

  for (guint i = 0; i < timings->len; i++)
    g_free (g_array_index (timings, Timing, i).login);
  scim_store_close (store);
  return 0;
}
