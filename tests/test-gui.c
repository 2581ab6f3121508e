/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <sqlite3.h>

#include "scim-application.h"
#include "scim-funnel-page.h"
#include "scim-leads-page.h"
#include "scim-control-page.h"
#include "scim-book-page.h"
#include "scim-settings-page.h"
#include "scim-sign-in.h"
#include "scim-welcome.h"
#include "scim-window.h"
#include "scim-alerts-button.h"
#include "scim-autostart.h"
#include "scim-preferences.h"
#include "scim-backups-dialog.h"
#include "smtp-sink.h"
#include "scim-funnel-editor.h"
#include "scim-product-dialog.h"
#include "scim-edit-dialog.h"
#include "scim-conflict-dialog.h"
#include "scim-accept-dialog.h"
#include "scim-lead-dialog.h"
#include "scim-import-dialog.h"
#include "scim-record-table.h"
#include "scim-client-dialog.h"
#include "scim-sale-window.h"
#include "scim-pipeline-board.h"
#include "scim-event-dialog.h"
#include "scim-funnel-chart.h"
#include "scim-timeline.h"

/* The GUI under Xvfb: the window from its template, the first-run flow,
 * sign-in with a password and the keyring, page shortcuts, a bad file,
 * and a screenshot of the main window on demo data. */

static char *tmpdir;
static ScimApplication *app;

static gboolean funnel_painted (gpointer data);

typedef gboolean (*Predicate) (gpointer data);

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_for (Predicate   done,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  /* Wakes the loop when nothing else does, so the deadline is kept. */
  guint tick = g_timeout_add (100, tick_cb, NULL);

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  if (!done (data))
    g_error ("Timed out waiting for %s", what);
}

/* A tool the test needs and the machine lacks: in CI (CI=true) that is a
 * failure, elsewhere a reported skip. */
static gboolean
have_tool (gboolean    present,
           const char *what)
{
  if (present)
    return TRUE;
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_test_fail_printf ("%s is missing, and CI must run this check", what);
  else
    g_test_skip_printf ("%s is missing", what);
  return FALSE;
}

static gboolean
hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

/* Waits until @dialog has closed itself (a save that went through). */
static void
wait_closed (gpointer    dialog,
             const char *what)
{
  g_object_ref (dialog);
  wait_for (hidden, dialog, what);
  g_object_unref (dialog);
}

/* Frames painted since the wait began, for widgets that must be on screen. */
typedef struct
{
  GtkWidget     *widget;
  GdkFrameClock *clock;
  gulong         handler;
  guint          frames;
} DrawWait;

static void
on_after_paint_cb (GdkFrameClock *clock,
                   DrawWait      *wait)
{
  wait->frames++;
}

static gboolean
drawn (gpointer data)
{
  DrawWait *wait = data;
  GtkWidget *stack;

  if (!gtk_widget_get_mapped (wait->widget) ||
      gtk_widget_get_width (wait->widget) <= 100 || gtk_widget_get_height (wait->widget) <= 100)
    return FALSE;
  /* The window's own stack crossfades between its states: wait it out. */
  stack = gtk_widget_get_ancestor (wait->widget, GTK_TYPE_STACK);
  if (stack != NULL && gtk_stack_get_transition_running (GTK_STACK (stack)))
    return FALSE;
  if (wait->clock == NULL)
    {
      wait->clock = g_object_ref (gtk_widget_get_frame_clock (wait->widget));
      wait->handler = g_signal_connect (wait->clock, "after-paint", G_CALLBACK (on_after_paint_cb), wait);
      gtk_widget_queue_draw (wait->widget);
      return FALSE;
    }
  /* Two whole frames after the data was there: laid out and painted. */
  if (wait->frames < 2)
    gtk_widget_queue_draw (wait->widget);
  return wait->frames >= 2;
}

/* Waits until @widget is mapped, has a real size and two frames have been
 * painted since: what a person sees, never a fixed sleep. */
static void
wait_drawn (GtkWidget  *widget,
            const char *what)
{
  DrawWait wait = { widget, NULL, 0, 0 };
  g_autofree char *message = g_strdup_printf ("%s on screen", what);

  wait_for (drawn, &wait, message);
  g_signal_handler_disconnect (wait.clock, wait.handler);
  g_object_unref (wait.clock);
}

typedef struct
{
  ScimWindow *window;
  const char *state;
} StateWait;

static gboolean
state_reached (gpointer data)
{
  StateWait *wait = data;

  return g_strcmp0 (scim_window_get_state (wait->window), wait->state) == 0;
}

static void
wait_state (ScimWindow *window,
            const char *state)
{
  StateWait wait = { window, state };
  g_autofree char *what = g_strdup_printf ("the window to reach “%s”", state);

  wait_for (state_reached, &wait, what);
}

static char *
cli_path (void)
{
  return g_build_filename (g_getenv ("SCIM_BUILD_ROOT"), "src", "cli", "scim-sales-cli", NULL);
}

static void
run_cli (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;
  int status = 0;

  g_ptr_array_add (argv, cli_path ());
  g_ptr_array_add (argv, g_strdup (first));
  va_start (args, first);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("scim-sales-cli failed: %s", err);
}

static char *
demo_database (void)
{
  static char *path;

  if (path == NULL)
    {
      path = g_build_filename (tmpdir, "demo.db", NULL);
      run_cli ("--db", path, "demo", "--scale", "small", "--seed", "11", NULL);
    }
  return g_strdup (path);
}

/* A private copy of the demo database for a test that writes to it. */
static char *
demo_copy (const char *name)
{
  g_autofree char *demo = demo_database ();
  g_autoptr(GFile) source = g_file_new_for_path (demo);
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GFile) copy = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_copy (source, copy, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return path;
}

static ScimWindow *
new_window (void)
{
  ScimWindow *window = scim_window_new (GTK_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
destroy_window (ScimWindow *window)
{
  /* Without a window manager no focus-out arrives; drop the focus first so
   * GTK does not warn about a text entry that still thinks it has it. */
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_window_template (void)
{
  ScimWindow *window = new_window ();
  static const char *pages[] = { "funnel", "control", "book", "leads", "settings" };

  g_assert_cmpstr (scim_window_get_state (window), ==, "welcome");
  g_assert_true (SCIM_IS_WELCOME (scim_window_get_welcome (window)));
  g_assert_true (SCIM_IS_SIGN_IN (scim_window_get_sign_in (window)));
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    g_assert_nonnull (scim_window_get_page_widget (window, pages[i]));
  g_assert_true (SCIM_IS_FUNNEL_PAGE (scim_window_get_page_widget (window, "funnel")));
  g_assert_true (SCIM_IS_SETTINGS_PAGE (scim_window_get_page_widget (window, "settings")));
  destroy_window (window);
}


static gboolean
file_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
welcome_refused (gpointer data)
{
  return scim_welcome_get_error (data) != NULL;
}

static void
test_first_run (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "first-run", "sales.db", NULL);
  g_autofree char *folder = g_path_get_dirname (path);
  ScimWindow *window = new_window ();
  ScimWelcome *welcome = SCIM_WELCOME (scim_window_get_welcome (window));
  ScimUser *user;

  g_mkdir_with_parents (folder, 0700);
  g_assert_cmpstr (scim_window_get_state (window), ==, "welcome");
  scim_welcome_fill (welcome, "boss", "Ольга Руководова", path);
  scim_welcome_create (welcome);
  wait_state (window, "work");

  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  user = scim_window_get_user (window);
  g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (user), "login"), ==, "boss");
  g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (user), "role"), ==, "admin");
  g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (user), "full-name"), ==, "Ольга Руководова");

  /* The new database comes with the seed's funnel, shown on the Funnel page. */
  {
    ScimFunnelPage *funnel_page = SCIM_FUNNEL_PAGE (scim_window_get_page_widget (window, "funnel"));
    GPtrArray *funnels;

    scim_window_set_page (window, "funnel");
    wait_for (funnel_painted, funnel_page, "the funnel picture");
    funnels = scim_funnel_chart_get_funnels (SCIM_FUNNEL_CHART (scim_funnel_page_get_chart (funnel_page)));
    g_assert_cmpuint (funnels->len, ==, 1);

    g_assert_cmpuint (((ScimFunnel *) g_ptr_array_index (funnels, 0))->stages->len, ==, 12);
  }

  /* Creating over an existing file is refused and the file kept. */
  {
    g_autofree char *before = NULL;
    gsize len;

    g_autofree char *after = NULL;
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    gsize after_len;

    scim_window_show_welcome (window);
    wait_state (window, "welcome");
    /* The store closes on a worker; the last connection's close folds the
     * journal into the file and removes it. */
    wait_for (file_gone, wal, "the database to close");
    g_assert_true (g_file_get_contents (path, &before, &len, NULL));
    scim_welcome_fill (welcome, "intruder", NULL, path);
    scim_welcome_create (welcome);
    wait_for (welcome_refused, welcome, "the refusal");
    g_assert_nonnull (strstr (scim_welcome_get_error (welcome), "already exists"));
    g_assert_cmpstr (scim_window_get_state (window), ==, "welcome");
    g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
    g_assert_cmpmem (before, len, after, after_len);
  }
  destroy_window (window);

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_NONE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (scim_store_count_users (store, NULL), ==, 1);
  }
}

static void
test_page_shortcuts (void)
{
  g_autofree char *path = demo_database ();
  ScimWindow *window = new_window ();
  static const struct { const char *accel; const char *page; } keys[] = {
    { "<Control>2", "control" },
    { "<Control>3", "book" },
    { "<Control>4", "leads" },
    { "<Control>5", "settings" },
    { "<Control>1", "funnel" },
  };

  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_auto(GStrv) actions = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), keys[i].accel);
      g_autofree char *name = NULL;
      g_autoptr(GVariant) target = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (g_strv_length (actions), ==, 1);
      g_assert_true (g_action_parse_detailed_name (actions[0], &name, &target, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (name, ==, "win.page");
      g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), name, target));
      g_assert_cmpstr (scim_window_get_page (window), ==, keys[i].page);
    }
  destroy_window (window);
}

static gboolean
message_dialog_shown (gpointer data)
{
  GList *toplevels = gtk_window_list_toplevels ();
  gboolean found = FALSE;

  for (GList *l = toplevels; l != NULL; l = l->next)
    found |= ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data);
  g_list_free (toplevels);
  return found;
}

static void
test_bad_file (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "notes.db", NULL);
  ScimWindow *window = new_window ();
  GList *toplevels;
  gboolean found_dialog = FALSE;

  g_assert_true (g_file_set_contents (path, "just some notes\n", -1, NULL));
  scim_window_open_file (window, path, NULL);
  wait_for (message_dialog_shown, NULL, "the message about the bad file");
  g_assert_cmpstr (scim_window_get_state (window), ==, "welcome");

  /* The person is told why, in a dialog over the window. */
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    {
      if (ADW_IS_MESSAGE_DIALOG (l->data))
        {
          const char *body = adw_message_dialog_get_body (l->data);
          g_assert_nonnull (strstr (body, "not an SQLite file"));
          found_dialog = TRUE;
          gtk_window_destroy (l->data);
        }
    }
  g_list_free (toplevels);
  g_assert_true (found_dialog);
  destroy_window (window);

  {
    g_autofree char *contents = NULL;
    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "just some notes\n");
  }
}

typedef struct
{
  GtkWidget *label;
  gboolean   visible;
} ErrorWait;

static gboolean
error_shown (gpointer data)
{
  GtkWidget *sign_in = data;
  GtkWidget *label = NULL;

  /* The error label is the only GtkLabel with the "error" style class. */
  for (GtkWidget *w = gtk_widget_get_first_child (sign_in); w != NULL;)
    {
      if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "error") && gtk_widget_get_visible (w))
        label = w;
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && w != sign_in && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          if (w == NULL || w == sign_in)
            break;
          w = gtk_widget_get_next_sibling (w);
        }
    }
  return label != NULL;
}

static char *
password_database (const char *name)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_CREATE, &error);
  g_autoptr(ScimUser) admin = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (scim_store_add_user (store, "admin", NULL, NULL, SCIM_ROLE_ADMIN, TRUE, NULL, &error), >, 0);
  admin = scim_store_sign_in (store, "admin", NULL, &error);
  g_assert_cmpint (scim_store_add_user (store, "petrova", "Мария Петрова", NULL, SCIM_ROLE_HEAD, TRUE,
                                        "тайна", &error), >, 0);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static gboolean
keyring_idle (gpointer data)
{
  return !scim_window_get_keyring_busy (data);
}

/* Opens @path for petrova, who has a password; returns once the window has
 * asked the keyring and either signed her in or waits for her password. */
static ScimWindow *
open_as_petrova (const char *path)
{
  ScimWindow *window = new_window ();

  scim_window_open_file (window, path, "petrova");
  wait_state (window, "sign-in");
  wait_for (keyring_idle, window, "the keyring lookup");
  /* A password the keyring gave would be on its way to the store now. */
  g_assert_false (scim_sign_in_get_busy (SCIM_SIGN_IN (scim_window_get_sign_in (window))));
  return window;
}

static GtkWidget *
find_child (GtkWidget *root,
            GType      type)
{
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();

  g_ptr_array_add (pending, root);
  while (pending->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (pending, pending->len - 1);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return w;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (pending, c);
    }
  return NULL;
}

static void
test_sign_in_password (void)
{
  g_autofree char *path = password_database ("password.db");
  ScimWindow *window = open_as_petrova (path);
  ScimSignIn *sign_in = SCIM_SIGN_IN (scim_window_get_sign_in (window));

  /* A password is needed and none is remembered: the window waits for it. */
  g_assert_cmpstr (scim_window_get_state (window), ==, "sign-in");

  scim_sign_in_submit (sign_in, "wrong");
  wait_for (error_shown, sign_in, "the wrong-password message");
  g_assert_cmpstr (scim_window_get_state (window), ==, "sign-in");

  scim_sign_in_submit (sign_in, "тайна");
  wait_state (window, "work");
  g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (scim_window_get_user (window)), "login"), ==, "petrova");
  /* Not asked to remember: the next opening asks again. */
  wait_for (keyring_idle, window, "the keyring");
  destroy_window (window);
  window = open_as_petrova (path);
  g_assert_cmpstr (scim_window_get_state (window), ==, "sign-in");
  destroy_window (window);
}

static void
test_sign_in_keyring (void)
{
  g_autofree char *path = password_database ("keyring.db");
  ScimWindow *window;
  ScimSignIn *sign_in;
  GtkWidget *remember;

  if (!have_tool (g_getenv ("SCIM_TEST_KEYRING") != NULL, "gnome-keyring-daemon on the test session bus"))
    return;

  window = open_as_petrova (path);
  sign_in = SCIM_SIGN_IN (scim_window_get_sign_in (window));
  g_assert_cmpstr (scim_window_get_state (window), ==, "sign-in");
  /* Tick "remember in the keyring" as a person would. */
  remember = find_child (GTK_WIDGET (sign_in), GTK_TYPE_SWITCH);
  g_assert_nonnull (remember);
  gtk_switch_set_active (GTK_SWITCH (remember), TRUE);
  scim_sign_in_submit (sign_in, "тайна");
  wait_state (window, "work");
  wait_for (keyring_idle, window, "the keyring to store the password");
  destroy_window (window);

  /* Next time the keyring signs her in without a prompt… */
  window = new_window ();
  scim_window_open_file (window, path, "petrova");
  wait_state (window, "work");
  g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (scim_window_get_user (window)), "login"), ==, "petrova");
  /* …until she signs out, which forgets the password. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  wait_state (window, "sign-in");
  wait_for (keyring_idle, window, "the keyring to forget the password");
  destroy_window (window);

  window = open_as_petrova (path);
  g_assert_cmpstr (scim_window_get_state (window), ==, "sign-in");
  destroy_window (window);
}

static gboolean
all_loaded (gpointer data)
{
  GListModel *model = data;
  guint n = MIN (g_list_model_get_n_items (model), 20);

  if (n == 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScimRecord) record = g_list_model_get_item (model, i);
      if (!scim_record_get_loaded (record))
        return FALSE;
    }
  return TRUE;
}

/* Renders @widget as it is on screen into build/screenshots/@name, once it
 * is mapped, sized and painted; returns the picture for checks. */
static GdkTexture *
save_png (GtkWidget  *widget,
          const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("SCIM_BUILD_ROOT"), "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int width, height;

  wait_drawn (widget, name);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);

  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Wrote %s", path);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  return g_steal_pointer (&texture);
}

/* The pixel at (@x, @y) of @texture as 0xAARRGGBB. */
static guint32
pixel_at (GdkTexture *texture,
          int         x,
          int         y)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guint32 *pixels = g_new (guint32, (gsize) width * height);

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (x, <, width);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (y, <, height);
  gdk_texture_download (texture, (guchar *) pixels, (gsize) width * 4);
  return pixels[(gsize) y * width + x];
}

/* Whether a mapped label under @root shows @text (or a line that holds it). */
static gboolean
label_shows (GtkWidget  *root,
             const char *text)
{
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();

  g_ptr_array_add (pending, root);
  while (pending->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (pending, pending->len - 1);

      if (!gtk_widget_get_mapped (w))
        continue;
      if (GTK_IS_LABEL (w) && strstr (gtk_label_get_text (GTK_LABEL (w)), text) != NULL)
        return TRUE;
      if (GTK_IS_INSCRIPTION (w) && gtk_inscription_get_text (GTK_INSCRIPTION (w)) != NULL &&
          strstr (gtk_inscription_get_text (GTK_INSCRIPTION (w)), text) != NULL)
        return TRUE;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (pending, c);
    }
  return FALSE;
}

typedef struct
{
  GtkWidget  *root;
  ScimRecord *record;
} ShownWait;

/* Whether some text of @record's (a name, a title) is on screen under @root. */
static gboolean
record_shown (gpointer data)
{
  ShownWait *wait = data;
  g_autofree GParamSpec **specs = NULL;
  guint n;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (wait->record), &n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *value = NULL;

      if (specs[i]->value_type != G_TYPE_STRING || !(specs[i]->flags & G_PARAM_READABLE))
        continue;
      g_object_get (wait->record, specs[i]->name, &value, NULL);
      if (value != NULL && g_utf8_strlen (value, -1) >= 4 && strchr (value, '\n') == NULL &&
          label_shows (wait->root, value))
        return TRUE;
    }
  return FALSE;
}

/* The list a page other than the funnel shows first. */
static GListModel *
page_model (GtkWidget *page)
{
  if (SCIM_IS_LEADS_PAGE (page))
    return scim_leads_page_get_model (SCIM_LEADS_PAGE (page));
  if (SCIM_IS_CONTROL_PAGE (page))
    return scim_control_page_get_model (SCIM_CONTROL_PAGE (page));
  if (SCIM_IS_BOOK_PAGE (page))
    return scim_book_page_get_model (SCIM_BOOK_PAGE (page));
  /* the section the Settings page opens on */
  return scim_settings_page_get_section_model (SCIM_SETTINGS_PAGE (page), "clients");
}

static void
test_screenshot (void)
{
  g_autofree char *path = demo_database ();
  ScimWindow *window = new_window ();
  static const char *pages[] = { "leads", "book", "control", "settings", "funnel" };

  /* The size the issue tracker and the metainfo promise: 1280x800. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *page = scim_window_get_page_widget (window, pages[i]);
      GListModel *model = NULL;
      g_autofree char *name = g_strdup_printf ("page-%s.png", pages[i]);
      g_autoptr(GdkTexture) shot = NULL;

      scim_window_set_page (window, pages[i]);
      if (SCIM_IS_FUNNEL_PAGE (page))
        {
          ScimFunnelChart *chart = SCIM_FUNNEL_CHART (scim_funnel_page_get_chart (SCIM_FUNNEL_PAGE (page)));
          g_autoptr(GdkTexture) picture = NULL;
          GArray *bands;
          guint32 background;

          wait_for (funnel_painted, page, "the funnel picture");
          shot = save_png (GTK_WIDGET (window), name);
          /* The bands are drawn: the middle of each differs from the corner. */
          picture = save_png (GTK_WIDGET (chart), "page-funnel-chart.png");
          bands = scim_funnel_chart_get_bands (chart);
          background = pixel_at (picture, 1, 1);
          for (guint b = 0; b < bands->len; b++)
            {
              ScimFunnelBand *band = &g_array_index (bands, ScimFunnelBand, b);
              guint32 inside = pixel_at (picture, (int) (band->x + band->width / 2), (int) (band->y + 2));

              g_assert_cmphex (inside, !=, background);
              /* At 1280x800 every label is whole: wrapped or beside, never "Contract un…". */
              g_assert_false (band->label_cut);
            }
        }
      else
        {
          ShownWait shown;
          g_autoptr(ScimRecord) first = NULL;

          model = page_model (page);
          g_assert_nonnull (model);
          /* Real data from the store on every page, and on screen. */
          wait_for (all_loaded, model, pages[i]);
          first = g_list_model_get_item (model, 0);
          shown.root = page;
          shown.record = first;
          wait_for (record_shown, &shown, "the first row on screen");
          shot = save_png (GTK_WIDGET (window), name);
        }
      /* Everything fits the 1280x800 screen: the window did not grow. */
      g_assert_cmpint (gdk_texture_get_width (shot), <=, 1280);
      g_assert_cmpint (gdk_texture_get_height (shot), <=, 800);
    }
  g_object_unref (save_png (GTK_WIDGET (window), "main-window.png"));
  destroy_window (window);
}


/* A figure of /proc/self/status ("VmRSS:", "RssAnon:", …), in MB. */
static double
status_mb (const char *key)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || (line = strstr (status, key)) == NULL)
    return -1;
  return g_ascii_strtod (line + strlen (key), NULL) / 1024.0;
}

static gboolean board_ready (gpointer data);
static gboolean board_shown (gpointer data);

/* Not a test: the benchmark's GUI figures on the file SCIM_BENCH_DB
 * (tests/bench.sh runs it).  The time from asking the window to open the
 * file to its first two painted frames at work, then the resident memory
 * after every page has shown its first rows.  Prints FIGURE lines. */
static void
bench_large_file (void)
{
  const char *path = g_getenv ("SCIM_BENCH_DB");
  static const char *pages[] = { "funnel", "control", "book", "leads", "settings" };
  ScimWindow *window = new_window ();
  gint64 start;
  double first_frame;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  wait_drawn (GTK_WIDGET (window), "the empty window");
  g_test_message ("empty window: %.0f MB anonymous", status_mb ("RssAnon:"));
  start = g_get_monotonic_time ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  wait_drawn (GTK_WIDGET (window), "the window at work");
  first_frame = (double) (g_get_monotonic_time () - start) / 1000.0;
  g_test_message ("at work: %.0f MB anonymous", status_mb ("RssAnon:"));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *page = scim_window_get_page_widget (window, pages[i]);
      GListModel *model = NULL;

      scim_window_set_page (window, pages[i]);
      if (SCIM_IS_FUNNEL_PAGE (page))
        wait_for (funnel_painted, page, "the funnel picture");
      else
        {
          model = page_model (page);
          wait_for (all_loaded, model, pages[i]);
        }
      wait_drawn (page, pages[i]);
      g_test_message ("after %s: %.0f MB anonymous, window %dx%d", pages[i], status_mb ("RssAnon:"),
                      gtk_widget_get_width (GTK_WIDGET (window)), gtk_widget_get_height (GTK_WIDGET (window)));
    }
  /* The board of the product with the most sales: columns, totals and the
   * first cards filled, and two frames painted. */
  {
    ScimFunnelPage *page = SCIM_FUNNEL_PAGE (scim_window_get_page_widget (window, "funnel"));
    ScimPipelineBoard *board;
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    gint64 product_id = 0, n_sales = 0;
    double board_ms;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT product_id, count(*) FROM sales GROUP BY product_id "
                                             "ORDER BY count(*) DESC LIMIT 1", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    product_id = sqlite3_column_int64 (stmt, 0);
    n_sales = sqlite3_column_int64 (stmt, 1);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    scim_window_set_page (window, "funnel");
    g_assert_true (scim_funnel_page_select_product (page, product_id));
    wait_for (funnel_painted, page, "the funnel of the product");
    start = g_get_monotonic_time ();
    board = scim_funnel_page_show_board (page, TRUE);
    wait_for (board_shown, board, "the board with its first cards");
    wait_drawn (GTK_WIDGET (board), "the board");
    board_ms = (double) (g_get_monotonic_time () - start) / 1000.0;
    g_print ("FIGURE\tthe pipeline board of a product of %" G_GINT64_FORMAT " sales, to its first drawn frame\t%.0f"
             "\t200\t-\n", n_sales, board_ms);
  }
  g_print ("FIGURE\topen the large file to the first drawn frame of the main window\t%.0f\t1000\t-\n", first_frame);
  g_print ("FIGURE\tGUI resident memory after every page (MB)\t%.0f\t150\t-\t%.0f MB anonymous, %.0f MB of files, "
           "no OpenGL\n",
           status_mb ("VmRSS:"), status_mb ("RssAnon:"), status_mb ("RssFile:"));
  destroy_window (window);
}

/* A database with an admin, a salesperson and the template product. */
static char *
settings_database (const char *name)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_CREATE, &error);
  g_autoptr(ScimUser) admin = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (scim_store_add_user (store, "admin", "Анна Админова", NULL, SCIM_ROLE_ADMIN, TRUE, NULL, &error), >, 0);
  admin = scim_store_sign_in (store, "admin", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_add_user (store, "ivanov", "Пётр Иванов", NULL, SCIM_ROLE_SALES, FALSE, NULL, &error), >, 0);
  g_assert_cmpint (scim_store_add_template_product (store, NULL, &error), >, 0);
  g_assert_no_error (error);
  scim_store_close (store);
  return g_steal_pointer (&path);
}

static ScimSettingsPage *
open_settings (ScimWindow *window,
               const char *path,
               const char *login)
{
  ScimSettingsPage *page;
  GListModel *products;

  scim_window_open_file (window, path, login);
  wait_state (window, "work");
  scim_window_set_page (window, "settings");
  page = SCIM_SETTINGS_PAGE (scim_window_get_page_widget (window, "settings"));
  products = scim_settings_page_get_section_model (page, "products");
  wait_for (all_loaded, products, "the products");
  return page;
}

static gboolean
editor_settled (gpointer data)
{
  ScimFunnelEditor *editor = data;

  return !scim_funnel_editor_get_busy (editor) && scim_funnel_editor_get_n_stages (editor) > 0;
}

static GArray *
stored_order (ScimStore *store,
              gint64     product_id)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_STAGES);
  g_autoptr(GListModel) stages = NULL;
  GArray *order = g_array_new (FALSE, FALSE, sizeof (gint64));

  query->product_id = product_id;
  stages = scim_store_list (store, query, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(ScimRecord) stage = g_list_model_get_item (stages, i);
      gint64 id = scim_record_get_id (stage);
      g_array_append_val (order, id);
    }
  return order;
}

static void
test_funnel_editor_reorders (void)
{
  g_autofree char *path = settings_database ("funnel-editor.db");
  ScimWindow *window = new_window ();
  ScimSettingsPage *page = open_settings (window, path, "admin");
  GListModel *products = scim_settings_page_get_section_model (page, "products");
  g_autoptr(ScimRecord) product = g_list_model_get_item (products, 0);
  ScimProductDialog *dialog;
  ScimFunnelEditor *editor;
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;
  g_autoptr(GArray) after_keys = NULL;
  gint64 product_id = scim_record_get_id (product);
  GtkListBoxRow *row;

  dialog = SCIM_PRODUCT_DIALOG (scim_settings_page_open_product (page, product));
  editor = SCIM_FUNNEL_EDITOR (scim_product_dialog_get_funnel_editor (dialog));
  g_assert_nonnull (editor);
  wait_for (editor_settled, editor, "the funnel editor");
  g_assert_cmpuint (scim_funnel_editor_get_n_stages (editor), ==, 12);
  before = stored_order (scim_window_get_store (window), product_id);

  /* Drag the first stage to the third place. */
  scim_funnel_editor_move (editor, 0, 2);
  wait_for (editor_settled, editor, "the reorder");
  after = stored_order (scim_window_get_store (window), product_id);
  g_assert_cmpint (g_array_index (after, gint64, 2), ==, g_array_index (before, gint64, 0));
  g_assert_cmpint (g_array_index (after, gint64, 0), ==, g_array_index (before, gint64, 1));
  g_assert_cmpint (g_array_index (after, gint64, 1), ==, g_array_index (before, gint64, 2));
  g_assert_cmpint (scim_funnel_editor_get_stage_id (editor, 2), ==, g_array_index (before, gint64, 0));

  /* With the keyboard: focus the fourth stage, Alt+Up moves it up one place. */
  row = GTK_LIST_BOX_ROW (scim_funnel_editor_get_row (editor, 3));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (row)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "funnel.move-up", NULL));
  wait_for (editor_settled, editor, "the keyboard reorder");
  after_keys = stored_order (scim_window_get_store (window), product_id);
  g_assert_cmpint (g_array_index (after_keys, gint64, 2), ==, g_array_index (after, gint64, 3));
  g_assert_cmpint (g_array_index (after_keys, gint64, 3), ==, g_array_index (after, gint64, 2));

  gtk_window_destroy (GTK_WINDOW (dialog));
  destroy_window (window);
}

static void
test_settings_read_only_for_sales (void)
{
  g_autofree char *path = settings_database ("sales-read-only.db");
  ScimWindow *window = new_window ();
  ScimSettingsPage *page = open_settings (window, path, "ivanov");
  GListModel *products = scim_settings_page_get_section_model (page, "products");
  g_autoptr(ScimRecord) product = g_list_model_get_item (products, 0);
  ScimProductDialog *dialog;
  ScimFunnelEditor *editor;
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;

  /* Nothing to add where only an admin may. */
  g_assert_false (gtk_widget_get_visible (scim_settings_page_get_add_button (page, "products")));
  g_assert_false (gtk_widget_get_visible (scim_settings_page_get_add_button (page, "users")));
  g_assert_false (gtk_widget_get_visible (scim_settings_page_get_add_button (page, "audiences")));
  /* A salesperson still adds clients (their own). */
  g_assert_true (gtk_widget_get_visible (scim_settings_page_get_add_button (page, "clients")));

  dialog = SCIM_PRODUCT_DIALOG (scim_settings_page_open_product (page, product));
  g_assert_false (scim_edit_dialog_get_editable (SCIM_EDIT_DIALOG (dialog)));
  editor = SCIM_FUNNEL_EDITOR (scim_product_dialog_get_funnel_editor (dialog));
  wait_for (editor_settled, editor, "the funnel editor");
  before = stored_order (scim_window_get_store (window), scim_record_get_id (product));
  /* A move asked of a read-only editor does nothing: no write starts. */
  scim_funnel_editor_move (editor, 0, 3);
  g_assert_false (scim_funnel_editor_get_busy (editor));
  g_assert_cmpint (scim_funnel_editor_get_stage_id (editor, 0), ==, g_array_index (before, gint64, 0));
  after = stored_order (scim_window_get_store (window), scim_record_get_id (product));
  g_assert_cmpmem (before->data, before->len * sizeof (gint64), after->data, after->len * sizeof (gint64));

  gtk_window_destroy (GTK_WINDOW (dialog));
  destroy_window (window);
}


static GtkWindow *
find_toplevel (GType type)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWindow *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static gboolean
lead_dialog_shown (gpointer data)
{
  return find_toplevel (SCIM_TYPE_LEAD_DIALOG) != NULL;
}

static gboolean
leads_page_ready (gpointer data)
{
  return scim_leads_page_is_ready (data) && all_loaded (scim_leads_page_get_model (data));
}

static gboolean
first_is_new (gpointer data)
{
  GListModel *leads = data;
  g_autoptr(ScimRecord) first = NULL;

  if (!all_loaded (leads))
    return FALSE;
  first = g_list_model_get_item (leads, 0);
  return g_strcmp0 (scim_record_get_string (first, "state"), "new") == 0;
}

static void
test_lead_card_from_table (void)
{
  g_autofree char *path = demo_database ();
  ScimWindow *window = new_window ();
  ScimLeadsPage *page;
  ScimRecordTable *table;
  g_autoptr(ScimRecord) first = NULL;
  GtkWindow *card;
  g_autofree char *expected = NULL;

  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  scim_window_set_page (window, "leads");
  page = SCIM_LEADS_PAGE (scim_window_get_page_widget (window, "leads"));
  wait_for (leads_page_ready, page, "the leads");

  /* Double-click (or Enter on) the first row opens its card. */
  table = SCIM_RECORD_TABLE (scim_leads_page_get_table (page));
  first = g_list_model_get_item (scim_leads_page_get_model (page), 0);
  scim_record_table_activate (table, 0);
  wait_for (lead_dialog_shown, NULL, "the lead card");
  card = find_toplevel (SCIM_TYPE_LEAD_DIALOG);
  expected = g_strdup (scim_record_get_string (first, "name")[0] != '\0' ? scim_record_get_string (first, "name")
                                                                         : scim_record_get_string (first, "company"));
  g_assert_nonnull (strstr (gtk_window_get_title (card), expected));
  gtk_window_destroy (card);
  destroy_window (window);
}

static gint64
raw_count (const char *path,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_INSPECT | SCIM_STORE_NO_CHECK, &error);
  g_autoptr(GListModel) none = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  (void) none;
  return value;
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  g_assert_cmpint (sqlite3_changes (db), >, 0);
  sqlite3_close (db);
}

/* The store's idle rule, in SQL: open sales of @product_id without activity
 * for @days days and not paused into the future. */
static gint64
idle_count (const char *path,
            gint64      product_id,
            guint       days)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sales WHERE product_id = %" G_GINT64_FORMAT
                                          " AND closed_at IS NULL AND last_activity_at < unixepoch() - %u * 86400"
                                          " AND coalesce(paused_until, 0) < unixepoch()",
                                          product_id, days);
  return raw_count (path, sql);
}

/* Conflicts: the card of a lead someone else saved meanwhile */

typedef gboolean (*WidgetMatch) (GtkWidget *widget, const char *text);

/* The first widget under @widget, depth first, that @match takes. */
static GtkWidget *
find_descendant (GtkWidget   *widget,
                 WidgetMatch  match,
                 const char  *text)
{
  if (match (widget, text))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, match, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_entry_row_titled (GtkWidget  *widget,
                     const char *title)
{
  return ADW_IS_ENTRY_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_button_labelled (GtkWidget  *widget,
                    const char *label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static GtkWidget *
find_row_titled (GtkWidget  *widget,
                 const char *title)
{
  return find_descendant (widget, is_entry_row_titled, title);
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  return find_descendant (widget, is_button_labelled, label);
}

static gboolean
conflict_shown (gpointer data)
{
  return find_toplevel (SCIM_TYPE_CONFLICT_DIALOG) != NULL;
}

static gboolean
lead_dialog_gone (gpointer data)
{
  return find_toplevel (SCIM_TYPE_LEAD_DIALOG) == NULL;
}

static char *
lead_text (const char *path,
           gint64      id,
           const char *column)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_NO_CHECK, &error);
  g_autoptr(GPtrArray) rows = NULL;
  const char *value = NULL;

  g_assert_no_error (error);
  rows = scim_store_load_rows (store, SCIM_LIST_LEADS, &id, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_true (g_variant_lookup (g_ptr_array_index (rows, 0), column, "&s", &value));
  return g_strdup (value);
}

/* The head, on another machine, saves the lead with @column set to @value. */
static void
theirs_save_lead (ScimStore  *theirs,
                  gint64      id,
                  const char *column,
                  const char *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = scim_store_load_rows (theirs, SCIM_LIST_LEADS, &id, 1, &error);
  GVariant *row;
  ScimLeadFields fields = { 0 };
  gint64 version = 0;

  g_assert_no_error (error);
  row = g_ptr_array_index (rows, 0);
  g_variant_lookup (row, "name", "&s", &fields.name);
  g_variant_lookup (row, "company", "&s", &fields.company);
  g_variant_lookup (row, "position", "&s", &fields.position);
  g_variant_lookup (row, "phone", "&s", &fields.phone);
  g_variant_lookup (row, "email", "&s", &fields.email);
  g_variant_lookup (row, "tax_id", "&s", &fields.tax_id);
  g_variant_lookup (row, "source", "&s", &fields.source);
  g_variant_lookup (row, "channel", "&s", &fields.channel);
  g_variant_lookup (row, "notes", "&s", &fields.notes);
  g_variant_lookup (row, "product_id", "x", &fields.product_id);
  g_variant_lookup (row, "owner_id", "x", &fields.owner_id);
  g_variant_lookup (row, "received_at", "x", &fields.received_at);
  g_variant_lookup (row, "version", "x", &version);
  if (g_str_equal (column, "company"))
    fields.company = value;
  else if (g_str_equal (column, "phone"))
    fields.phone = value;
  else if (g_str_equal (column, "email"))
    fields.email = value;
  else
    g_assert_not_reached ();
  g_assert_true (scim_store_update_lead (theirs, id, version, &fields, &error));
  g_assert_no_error (error);
}

static ScimEditDialog *
open_first_lead (ScimWindow *window,
                 gint64     *id)
{
  ScimLeadsPage *page = SCIM_LEADS_PAGE (scim_window_get_page_widget (window, "leads"));
  g_autoptr(ScimRecord) first = NULL;

  scim_window_set_page (window, "leads");
  wait_for (leads_page_ready, page, "the leads");
  first = g_list_model_get_item (scim_leads_page_get_model (page), 0);
  *id = scim_record_get_id (first);
  scim_record_table_activate (SCIM_RECORD_TABLE (scim_leads_page_get_table (page)), 0);
  wait_for (lead_dialog_shown, NULL, "the lead card");
  return SCIM_EDIT_DIALOG (find_toplevel (SCIM_TYPE_LEAD_DIALOG));
}

static void
type_into (ScimEditDialog *card,
           const char     *title,
           const char     *text)
{
  GtkWidget *row = find_row_titled (GTK_WIDGET (card), title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
test_conflict_lead_card (void)
{
  g_autofree char *path = demo_copy ("conflict.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) theirs = NULL;
  g_autoptr(ScimUser) head = NULL;
  ScimWindow *window = new_window ();
  ScimEditDialog *card;
  ScimConflictDialog *conflict;
  g_autofree char *name = NULL, *company = NULL, *phone = NULL, *email = NULL, *email_before = NULL;
  gint64 id, changes;

  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  theirs = scim_store_open (path, SCIM_STORE_NO_CHECK, &error);
  g_assert_no_error (error);
  head = scim_store_sign_in (theirs, "head", NULL, &error);
  g_assert_no_error (error);

  /* Fields that do not collide: Merge keeps my name and their company. */
  card = open_first_lead (window, &id);
  theirs_save_lead (theirs, id, "company", "ООО «Их версия»");
  type_into (card, "_Name", "Моё имя");
  scim_edit_dialog_save (card);
  wait_for (conflict_shown, NULL, "the conflict dialog");
  conflict = SCIM_CONFLICT_DIALOG (find_toplevel (SCIM_TYPE_CONFLICT_DIALOG));
  g_assert_cmpuint (scim_conflict_dialog_get_n_fields (conflict), ==, 2);
  g_assert_cmpuint (scim_conflict_dialog_get_n_collisions (conflict), ==, 0);
  g_assert_true (scim_conflict_dialog_takes_theirs (conflict, "company"));
  g_assert_false (scim_conflict_dialog_takes_theirs (conflict, "name"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (conflict)),
                            scim_record_get_string (SCIM_RECORD (head), "display-name")));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (conflict), SCIM_CONFLICT_MERGE);
  wait_for (lead_dialog_gone, NULL, "the card saved and closed");
  name = lead_text (path, id, "name");
  company = lead_text (path, id, "company");
  g_assert_cmpstr (name, ==, "Моё имя");
  g_assert_cmpstr (company, ==, "ООО «Их версия»");

  /* Both change the phone: a collision; Keep Mine writes mine. */
  card = open_first_lead (window, &id);
  theirs_save_lead (theirs, id, "phone", "+7 111 111-11-11");
  type_into (card, "_Phone", "+7 222 222-22-22");
  scim_edit_dialog_save (card);
  wait_for (conflict_shown, NULL, "the conflict dialog");
  conflict = SCIM_CONFLICT_DIALOG (find_toplevel (SCIM_TYPE_CONFLICT_DIALOG));
  g_assert_cmpuint (scim_conflict_dialog_get_n_collisions (conflict), ==, 1);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (conflict), SCIM_CONFLICT_MINE);
  wait_for (lead_dialog_gone, NULL, "the card saved and closed");
  phone = lead_text (path, id, "phone");
  g_assert_cmpstr (phone, ==, "+7 222 222-22-22");

  /* Take Theirs drops mine and writes nothing. */
  card = open_first_lead (window, &id);
  theirs_save_lead (theirs, id, "email", "their@example.ru");
  email_before = lead_text (path, id, "email");
  type_into (card, "_E-mail", "mine@example.ru");
  changes = raw_count (path, "SELECT count(*) FROM change_log");
  scim_edit_dialog_save (card);
  wait_for (conflict_shown, NULL, "the conflict dialog");
  conflict = SCIM_CONFLICT_DIALOG (find_toplevel (SCIM_TYPE_CONFLICT_DIALOG));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (conflict), SCIM_CONFLICT_THEIRS);
  wait_for (lead_dialog_gone, NULL, "the card closed");
  email = lead_text (path, id, "email");
  g_assert_cmpstr (email, ==, "their@example.ru");
  g_assert_cmpint (raw_count (path, "SELECT count(*) FROM change_log"), ==, changes);

  scim_store_close (theirs);
  destroy_window (window);
}

static gboolean
dialog_waiting (gpointer data)
{
  return scim_edit_dialog_get_waiting (data);
}

/* Starts the test helper holding the write lock of @path for @ms, and
 * returns once it holds it. */
static GSubprocess *
start_locker (const char *path,
              const char *ms)
{
  g_autofree char *helper = g_build_filename (g_getenv ("SCIM_BUILD_ROOT"), "tests", "scim-test-helper", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  GSubprocess *locker;

  locker = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, helper, "lock", path, ms, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (locker));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "locked");
  return locker;
}

/* Another process holds the write lock for seconds: the window keeps
 * drawing and taking input, the save says it waits for the file, then
 * completes when the lock is free. */
static void
test_save_waits_for_file (void)
{
  g_autofree char *path = demo_copy ("waiting.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) locker = NULL;
  g_autofree char *name = NULL;
  ScimWindow *window = new_window ();
  ScimEditDialog *card;
  GtkWidget *row;
  gint64 id;

  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  card = open_first_lead (window, &id);
  type_into (card, "_Name", "Сохранено после ожидания");

  locker = start_locker (path, "6000");

  scim_edit_dialog_save (card);
  wait_for (dialog_waiting, card, "the save to say it waits for the file");
  /* Input still goes in while it waits. */
  row = find_row_titled (GTK_WIDGET (card), "_Company");
  gtk_editable_set_text (GTK_EDITABLE (row), "typed while waiting");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "typed while waiting");
  g_assert_true (scim_edit_dialog_get_busy (card));
  wait_for (lead_dialog_gone, NULL, "the save to complete after the lock");
  name = lead_text (path, id, "name");
  g_assert_cmpstr (name, ==, "Сохранено после ожидания");
  g_assert_true (g_subprocess_wait_check (locker, NULL, &error));
  g_assert_no_error (error);
  destroy_window (window);
}

static void
test_accept_from_queue (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "accept.db", NULL);
  ScimWindow *window;
  ScimLeadsPage *page;
  ScimRecordTable *table;
  GListModel *leads;
  g_autoptr(ScimRecord) lead = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  ScimAcceptDialog *dialog;
  gint64 lead_id, product_id = 0, owner_id = 0;
  g_autofree char *sql = NULL;

  run_cli ("--db", path, "demo", "--scale", "small", "--seed", "21", NULL);
  product_id = raw_count (path, "SELECT id FROM products WHERE active = 1 ORDER BY id LIMIT 1");
  owner_id = raw_count (path, "SELECT id FROM users WHERE role = 'sales' AND active = 1 ORDER BY id LIMIT 1");

  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  scim_window_set_page (window, "leads");
  page = SCIM_LEADS_PAGE (scim_window_get_page_widget (window, "leads"));
  table = SCIM_RECORD_TABLE (scim_leads_page_get_table (page));
  wait_for (leads_page_ready, page, "the leads");

  /* The queue: leads waiting for acceptance. */
  scim_record_table_set_state (table, 1);
  leads = scim_leads_page_get_model (page);
  wait_for (first_is_new, leads, "the acceptance queue");
  lead = g_list_model_get_item (leads, 0);
  lead_id = scim_record_get_id (lead);
  g_array_append_val (ids, lead_id);

  dialog = SCIM_ACCEPT_DIALOG (scim_leads_page_accept (page, ids));
  wait_for ((Predicate) scim_accept_dialog_is_ready, dialog, "the client suggestions");
  scim_accept_dialog_choose (dialog, product_id, owner_id, 0);
  g_object_ref (dialog);
  scim_edit_dialog_save (SCIM_EDIT_DIALOG (dialog));
  wait_closed (dialog, "the dialog to save and close");
  g_object_unref (dialog);

  sql = g_strdup_printf ("SELECT count(*) FROM leads WHERE id = %" G_GINT64_FORMAT " AND state = 'accepted' "
                         "AND owner_id = %" G_GINT64_FORMAT, lead_id, owner_id);
  g_assert_cmpint (raw_count (path, sql), ==, 1);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM sales s JOIN plan_requests r ON r.sale_id = s.id "
                         "WHERE s.lead_id = %" G_GINT64_FORMAT " AND s.product_id = %" G_GINT64_FORMAT
                         " AND r.user_id = %" G_GINT64_FORMAT " AND r.done_at IS NULL",
                         lead_id, product_id, owner_id);
  g_assert_cmpint (raw_count (path, sql), ==, 1);
  destroy_window (window);
}


static gboolean
sale_window_settled (gpointer data)
{
  return !scim_sale_window_get_busy (data);
}

typedef struct
{
  GListModel *model;
  guint       n;
} CountWait;

static gboolean
count_reached (gpointer data)
{
  CountWait *wait = data;

  return g_list_model_get_n_items (wait->model) == wait->n && all_loaded (wait->model);
}

static gint64
sale_of_admin (const char *path)
{
  return raw_count (path, "SELECT s.id FROM sales s JOIN stages st ON st.id = s.stage_id "
                          "WHERE st.kind = 'open' ORDER BY s.id LIMIT 1");
}


static gint64
sale_int (const char *path,
          gint64      id,
          const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM sales WHERE id = %" G_GINT64_FORMAT, column, id);
  return raw_count (path, sql);
}

static char *
raw_text (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gboolean
is_stage_button (GtkWidget  *widget,
                 const char *name)
{
  GtkWidget *child;

  if (!GTK_IS_BUTTON (widget))
    return FALSE;
  child = gtk_button_get_child (GTK_BUTTON (widget));
  return GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), name) == 0;
}

static gboolean
label_contains (GtkWidget  *widget,
                const char *text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return find_descendant (wait->root, label_contains, wait->text) != NULL;
}

static gboolean
dialog_idle (gpointer data)
{
  return !scim_edit_dialog_get_busy (data);
}

/* The lock is held past the save's patience: a clear error in the dialog,
 * everything typed kept, and the next Save, once the file is free, saves. */
static void
test_save_times_out (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "timeout.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) locker = NULL;
  g_autofree char *before = NULL;
  g_autofree char *name = NULL;
  ScimWindow *window;
  ScimEditDialog *card;
  GtkWidget *row;
  gint64 id;

  run_cli ("--db", path, "demo", "--scale", "small", "--seed", "41", NULL);
  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  /* A short patience, so the test need not hold the lock for 15 s. */
  scim_store_set_busy_timeout (scim_window_get_store (window), 1500);
  card = open_first_lead (window, &id);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT name FROM leads WHERE id = %" G_GINT64_FORMAT, id);
    before = raw_text (path, sql);
  }
  type_into (card, "_Name", "Сохранено со второго раза");

  locker = start_locker (path, "5000");

  scim_edit_dialog_save (card);
  wait_for (dialog_idle, card, "the save to give up");
  g_assert_nonnull (find_descendant (GTK_WIDGET (card), label_contains, "busy"));
  g_assert_false (scim_edit_dialog_get_waiting (card));
  row = find_row_titled (GTK_WIDGET (card), "_Name");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "Сохранено со второго раза");
  g_assert_true (g_subprocess_wait_check (locker, NULL, &error));
  {
    g_autofree char *sql = g_strdup_printf ("SELECT name FROM leads WHERE id = %" G_GINT64_FORMAT, id);
    g_autofree char *now = raw_text (path, sql);
    g_assert_cmpstr (now, ==, before);
  }

  g_assert_no_error (error);
  scim_edit_dialog_save (card);
  wait_for (lead_dialog_gone, NULL, "the second save");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT name FROM leads WHERE id = %" G_GINT64_FORMAT, id);
    name = raw_text (path, sql);
  }
  g_assert_cmpstr (name, ==, "Сохранено со второго раза");
  destroy_window (window);
}

/* A stage move decided on what the window showed, after someone else
 * moved the sale (before the window heard of it): refused with who and
 * where, nothing written, and the window shows where the sale is now. */
static void
test_conflict_sale_move (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "conflict-move.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) theirs = NULL;
  g_autoptr(ScimUser) head = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *sql_mine = NULL;
  g_autofree char *mine_name = NULL;
  ScimWindow *window;
  ScimSaleWindow *sale;
  GtkWidget *button;
  LabelWait said;
  gint64 sale_id, theirs_stage, mine_stage, moves;

  run_cli ("--db", path, "demo", "--scale", "small", "--seed", "31", NULL);
  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  sale_id = sale_of_admin (path);
  sale = scim_sale_window_open (GTK_WINDOW (window), scim_window_get_store (window), sale_id);
  wait_for (sale_window_settled, sale, "the sale window");

  sql = g_strdup_printf ("SELECT id FROM stages WHERE kind = 'open' AND product_id = "
                         "(SELECT product_id FROM sales WHERE id = %1$" G_GINT64_FORMAT ") AND id != "
                         "(SELECT stage_id FROM sales WHERE id = %1$" G_GINT64_FORMAT ") ORDER BY position LIMIT 1",
                         sale_id);
  theirs_stage = raw_count (path, sql);
  g_free (sql);
  sql = g_strdup_printf ("SELECT id FROM stages WHERE kind = 'open' AND product_id = "
                         "(SELECT product_id FROM sales WHERE id = %1$" G_GINT64_FORMAT ") AND id NOT IN "
                         "((SELECT stage_id FROM sales WHERE id = %1$" G_GINT64_FORMAT "), %2$" G_GINT64_FORMAT ") "
                         "ORDER BY position DESC LIMIT 1", sale_id, theirs_stage);
  mine_stage = raw_count (path, sql);
  g_assert_cmpint (theirs_stage, >, 0);
  g_assert_cmpint (mine_stage, >, 0);
  sql_mine = g_strdup_printf ("SELECT name FROM stages WHERE id = %" G_GINT64_FORMAT, mine_stage);
  mine_name = raw_text (path, sql_mine);

  /* They move it; before the window hears of it, I click another stage. */
  theirs = scim_store_open (path, SCIM_STORE_NO_CHECK, &error);
  g_assert_no_error (error);
  head = scim_store_sign_in (theirs, "head", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (scim_store_move_sale (theirs, sale_id, theirs_stage, NULL, 0, &error));
  g_assert_no_error (error);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM stage_changes WHERE sale_id = %" G_GINT64_FORMAT, sale_id);
  moves = raw_count (path, sql);
  button = find_descendant (GTK_WIDGET (sale), is_stage_button, mine_name);
  g_assert_nonnull (button);
  gtk_widget_activate (button);

  said.root = GTK_WIDGET (sale);
  said.text = "moved this sale";
  wait_for (label_shown, &said, "the refusal naming who moved the sale");
  wait_for (sale_window_settled, sale, "the sale window after the refusal");
  g_assert_cmpint (raw_count (path, sql), ==, moves);
  g_assert_cmpint (sale_int (path, sale_id, "stage_id"), ==, theirs_stage);
  g_assert_null (find_descendant (GTK_WIDGET (sale), label_contains, "Stage changed"));
  gtk_window_destroy (GTK_WINDOW (sale));
  destroy_window (window);
}

/* Someone else's commits reach an open sale window within the refresh
 * without touching what the person is typing; a save over their change of
 * the same sale asks, and Merge keeps both. */
static void
test_conflict_sale_window (void)
{
  g_autofree char *path = demo_copy ("conflict-sale.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) theirs = NULL;
  g_autoptr(ScimUser) head = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  ScimWindow *window;
  ScimSaleWindow *sale;
  ScimConflictDialog *conflict;
  ScimTaskFields task = { .title = "Их задача" };
  GtkWidget *amount;
  CountWait wait;
  gint64 sale_id, version = 0, owner = 0, old_amount = 0;

  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  sale_id = sale_of_admin (path);
  sale = scim_sale_window_open (GTK_WINDOW (window), scim_window_get_store (window), sale_id);
  wait_for (sale_window_settled, sale, "the sale window");
  theirs = scim_store_open (path, SCIM_STORE_NO_CHECK, &error);
  g_assert_no_error (error);
  head = scim_store_sign_in (theirs, "head", NULL, &error);
  g_assert_no_error (error);

  /* Unsaved input stays while their task arrives. */
  amount = find_row_titled (GTK_WIDGET (sale), "_Amount");
  g_assert_nonnull (amount);
  gtk_editable_set_text (GTK_EDITABLE (amount), "123456");
  wait.model = scim_sale_window_get_tasks (sale);
  wait.n = g_list_model_get_n_items (wait.model) + 1;
  task.owner_id = sale_int (path, sale_id, "owner_id");
  g_assert_cmpint (scim_store_add_task (theirs, sale_id, -1, &task, &error), >, 0);
  g_assert_no_error (error);
  wait_for (count_reached, &wait, "their task in the open sale window");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (amount)), ==, "123456");

  /* They change the expected close; my save of the amount asks, Merge keeps both. */
  rows = scim_store_load_rows (theirs, SCIM_LIST_SALES, &sale_id, 1, &error);
  g_assert_no_error (error);
  g_variant_lookup (g_ptr_array_index (rows, 0), "version", "x", &version);
  g_variant_lookup (g_ptr_array_index (rows, 0), "owner_id", "x", &owner);
  g_variant_lookup (g_ptr_array_index (rows, 0), "amount", "x", &old_amount);
  g_assert_true (scim_store_update_sale (theirs, sale_id, version, old_amount, 1893456000, owner, &error));
  g_assert_no_error (error);
  gtk_widget_activate (find_button (GTK_WIDGET (sale), "_Save"));
  wait_for (conflict_shown, NULL, "the conflict dialog");
  conflict = SCIM_CONFLICT_DIALOG (find_toplevel (SCIM_TYPE_CONFLICT_DIALOG));
  g_assert_cmpuint (scim_conflict_dialog_get_n_fields (conflict), ==, 2);
  g_assert_cmpuint (scim_conflict_dialog_get_n_collisions (conflict), ==, 0);
  g_assert_true (scim_conflict_dialog_takes_theirs (conflict, "expected-close"));
  g_assert_false (scim_conflict_dialog_takes_theirs (conflict, "amount"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (conflict), SCIM_CONFLICT_MERGE);
  wait_for (sale_window_settled, sale, "the save");
  while (sale_int (path, sale_id, "amount") != 12345600)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (sale_int (path, sale_id, "amount"), ==, 12345600);
  g_assert_cmpint (sale_int (path, sale_id, "expected_close") / 86400, ==, 1893456000 / 86400);

  scim_store_close (theirs);
  gtk_window_destroy (GTK_WINDOW (sale));
  destroy_window (window);
}

static void
test_plan_in_sale_window (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "plan.db", NULL);
  ScimWindow *window;
  ScimSaleWindow *sale;
  ScimControlPage *control;
  GListModel *tasks;
  CountWait wait;
  gint64 sale_id, task_id;
  guint n0;
  g_autofree char *sql = NULL;
  GtkWidget *row;

  run_cli ("--db", path, "demo", "--scale", "small", "--seed", "31", NULL);
  sale_id = sale_of_admin (path);
  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");

  sale = scim_sale_window_open (GTK_WINDOW (window), scim_window_get_store (window), sale_id);
  wait_for (sale_window_settled, sale, "the sale window");
  tasks = scim_sale_window_get_tasks (sale);
  n0 = g_list_model_get_n_items (tasks);

  /* Type a task and press Enter: it lands at the end of the plan. */
  scim_sale_window_add_task (sale, "Позвонить финансовому директору");
  wait_for (sale_window_settled, sale, "the new task");
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, n0 + 1);
  {
    g_autoptr(ScimRecord) last = g_list_model_get_item (tasks, n0);
    g_assert_cmpstr (scim_record_get_string (last, "title"), ==, "Позвонить финансовому директору");
    task_id = scim_record_get_id (last);
  }

  /* Keyboard only: focus the task, Alt+Up moves it up one place. */
  if (n0 > 0)
    {
      row = scim_sale_window_get_task_row (sale, n0);
      g_assert_true (gtk_widget_grab_focus (row));
      g_assert_true (gtk_widget_activate_action (row, "sale.move-task-up", NULL));
      wait_for (sale_window_settled, sale, "the reorder");
      {
        g_autoptr(ScimRecord) moved = g_list_model_get_item (tasks, n0 - 1);
        g_assert_cmpint (scim_record_get_id (moved), ==, task_id);
      }
    }

  /* Finishing asks for a result; a negative result is a result too. */
  scim_sale_window_finish_task (sale, task_id, "failed", "Не дозвонились, перезвонить в понедельник");
  wait_for (sale_window_settled, sale, "the finished task");
  sql = g_strdup_printf ("SELECT count(*) FROM tasks WHERE id = %" G_GINT64_FORMAT " AND state = 'failed' "
                         "AND result LIKE 'Не дозвонились%%' AND closed_at IS NOT NULL", task_id);
  g_assert_cmpint (raw_count (path, sql), ==, 1);

  /* The control view shows it. */
  scim_window_set_page (window, "control");
  control = SCIM_CONTROL_PAGE (scim_window_get_page_widget (window, "control"));
  scim_control_page_show_everyone (control);
  scim_control_page_set_due (control, 0);
  scim_record_table_set_state (SCIM_RECORD_TABLE (scim_control_page_get_table (control)), 2);
  gtk_editable_set_text (GTK_EDITABLE (scim_record_table_get_search_entry (SCIM_RECORD_TABLE (
                           scim_control_page_get_table (control)))), "Позвонить финансовому");
  wait.model = scim_control_page_get_model (control);
  wait.n = 1;
  wait_for (count_reached, &wait, "the task in the control view");
  {
    g_autoptr(ScimRecord) shown = g_list_model_get_item (wait.model, 0);
    g_assert_cmpint (scim_record_get_id (shown), ==, task_id);
    g_assert_cmpstr (scim_record_get_string (shown, "state"), ==, "failed");
  }

  gtk_window_destroy (GTK_WINDOW (sale));
  destroy_window (window);
}

static guint
choice_index (GtkDropDown *dropdown,
              gint64       id)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 1; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ScimRecord) record = g_list_model_get_item (model, i);
      if (scim_record_get_id (record) == id)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

typedef struct
{
  GtkDropDown *dropdown;
  gint64       id;
} ChoiceWait;

static gboolean
choice_offered (gpointer data)
{
  ChoiceWait *wait = data;

  return gtk_widget_get_sensitive (GTK_WIDGET (wait->dropdown)) &&
         choice_index (wait->dropdown, wait->id) != GTK_INVALID_LIST_POSITION;
}

/* Stages belong to a product: the stage filter offers the chosen product's
 * stages and lists the tasks of the sales at the chosen one. */
static void
test_control_filters_by_stage (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "stage-filter.db", NULL);
  ScimWindow *window;
  ScimControlPage *control;
  GtkDropDown *product, *stage;
  ChoiceWait choice;
  CountWait wait;
  gint64 stage_id, product_id, n_at_stage, n_all;
  g_autofree char *sql = NULL;

  run_cli ("--db", path, "demo", "--scale", "small", "--seed", "37", NULL);
  stage_id = raw_count (path, "SELECT s.stage_id FROM tasks t JOIN sales s ON s.id = t.sale_id "
                              "WHERE t.state = 'planned' GROUP BY s.stage_id ORDER BY count(*) DESC LIMIT 1");
  sql = g_strdup_printf ("SELECT product_id FROM stages WHERE id = %" G_GINT64_FORMAT, stage_id);
  product_id = raw_count (path, sql);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM tasks t JOIN sales s ON s.id = t.sale_id "
                         "WHERE t.state = 'planned' AND s.stage_id = %" G_GINT64_FORMAT, stage_id);
  n_at_stage = raw_count (path, sql);
  n_all = raw_count (path, "SELECT count(*) FROM tasks WHERE state = 'planned'");
  g_assert_cmpint (n_at_stage, >, 0);
  g_assert_cmpint (n_at_stage, <, n_all);
  sql = g_strdup_printf ("UPDATE sales SET stage_entered_at = strftime('%%s', 'now') - 400 * 86400, "
                         "last_activity_at = strftime('%%s', 'now') - 400 * 86400 WHERE id IN "
                         "(SELECT s.id FROM sales s JOIN stages st ON st.id = s.stage_id WHERE s.product_id = %"
                         G_GINT64_FORMAT " AND st.kind = 'open' AND s.closed_at IS NULL AND s.paused_until IS NULL"
                         " AND s.stage_id != %" G_GINT64_FORMAT " ORDER BY s.id LIMIT 2)", product_id, stage_id);
  raw_exec (path, sql);
  g_clear_pointer (&sql, g_free);

  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  scim_window_set_page (window, "control");
  control = SCIM_CONTROL_PAGE (scim_window_get_page_widget (window, "control"));
  scim_control_page_show_everyone (control);
  scim_control_page_set_due (control, 0);
  product = scim_control_page_get_filter (control, "product");
  stage = scim_control_page_get_filter (control, "stage");
  wait.model = scim_control_page_get_model (control);
  wait.n = (guint) n_all;
  wait_for (count_reached, &wait, "every planned task");
  /* No stage to choose before a product is. */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (stage)));

  choice.dropdown = product;
  choice.id = product_id;
  wait_for (choice_offered, &choice, "the product in the filter");
  gtk_drop_down_set_selected (product, choice_index (product, product_id));
  choice.dropdown = stage;
  choice.id = stage_id;
  wait_for (choice_offered, &choice, "the product's stages in the filter");
  gtk_drop_down_set_selected (stage, choice_index (stage, stage_id));

  wait.n = (guint) n_at_stage;
  wait_for (count_reached, &wait, "the tasks at the stage");
  for (guint i = 0; i < g_list_model_get_n_items (wait.model); i++)
    {
      g_autoptr(ScimRecord) task = g_list_model_get_item (wait.model, i);
      g_autofree char *check = g_strdup_printf ("SELECT count(*) FROM tasks t JOIN sales s ON s.id = t.sale_id "
                                                "WHERE t.id = %" G_GINT64_FORMAT " AND s.stage_id = %" G_GINT64_FORMAT,
                                                scim_record_get_id (task), stage_id);
      g_assert_cmpint (raw_count (path, check), ==, 1);
    }

  /* Idle sales: the head chooses how many quiet days make a sale idle;
   * fewer days, more sales; the choice is remembered. */
  gtk_drop_down_set_selected (stage, 0);
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    gint64 year = idle_count (path, product_id, 365);
    gint64 day = idle_count (path, product_id, 1);

    /* Two sales were made quiet for 400 days before the window opened. */
    g_assert_cmpint (year, >=, 2);
    g_assert_cmpint (day, >, year);
    scim_control_page_show_idle (control, 365);
    g_assert_cmpint (g_settings_get_int (settings, "idle-days"), ==, 365);
    wait.model = scim_control_page_get_sales_model (control);
    wait.n = (guint) year;
    wait_for (count_reached, &wait, "the sales quiet for a year");
    for (guint i = 0; i < wait.n; i++)
      {
        g_autoptr(ScimRecord) sale = g_list_model_get_item (wait.model, i);
        g_autofree char *check = g_strdup_printf ("SELECT count(*) FROM sales WHERE id = %" G_GINT64_FORMAT
                                                  " AND last_activity_at < strftime('%%s', 'now') - 365 * 86400",
                                                  scim_record_get_id (sale));
        g_assert_cmpint (raw_count (path, check), ==, 1);
      }

    scim_control_page_show_idle (control, 1);
    g_assert_cmpint (g_settings_get_int (settings, "idle-days"), ==, 1);
    wait.n = (guint) day;
    wait_for (count_reached, &wait, "the sales quiet for a day");
    scim_control_page_show_idle (control, 14);
    scim_control_page_show_idle (control, 0);
  }
  wait.model = scim_control_page_get_model (control);

  /* Back to all products: the stage filter resets and turns off. */
  gtk_drop_down_set_selected (product, 0);
  wait.n = (guint) n_all;
  wait_for (count_reached, &wait, "every planned task again");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (stage)));
  g_assert_cmpuint (gtk_drop_down_get_selected (stage), ==, 0);
  destroy_window (window);
}

/* An accepted lead's card lists the sales made from it. */
static void
test_lead_card_lists_sales (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "lead-sales.db", NULL);
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_LEADS);
  g_autoptr(GListModel) accepted = NULL;
  g_autoptr(GListStore) products = g_list_store_new (SCIM_TYPE_PRODUCT);
  g_autoptr(GListStore) users = g_list_store_new (SCIM_TYPE_USER);
  g_autoptr(GError) error = NULL;
  ScimLeadDialog *card;
  ScimWindow *window;
  CountWait wait;
  gboolean checked = FALSE;

  run_cli ("--db", path, "demo", "--scale", "small", "--seed", "43", NULL);
  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  query->state = g_strdup ("accepted");
  accepted = scim_store_list (scim_window_get_store (window), query, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < g_list_model_get_n_items (accepted) && !checked; i++)
    {
      g_autoptr(ScimRecord) lead = g_list_model_get_item (accepted, i);
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sales WHERE lead_id = %" G_GINT64_FORMAT,
                                              scim_record_get_id (lead));
      gint64 n = raw_count (path, sql);

      if (n == 0)
        continue;
      card = scim_lead_dialog_new (GTK_WINDOW (window), scim_window_get_store (window), lead,
                                   G_LIST_MODEL (products), G_LIST_MODEL (users), FALSE, FALSE);
      wait.model = scim_lead_dialog_get_sales (card);
      g_assert_nonnull (wait.model);
      wait.n = (guint) n;
      wait_for (count_reached, &wait, "the lead's sales in its card");
      gtk_window_destroy (GTK_WINDOW (card));
      checked = TRUE;
    }
  g_assert_true (checked);
  destroy_window (window);
}

/* A client's card lists the client's sales; a click opens the sale. */
static void
test_client_card_opens_sale (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "client-sales.db", NULL);
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_CLIENTS);
  g_autoptr(GListModel) found = NULL;
  g_autoptr(GListStore) audiences = g_list_store_new (SCIM_TYPE_AUDIENCE);
  g_autoptr(GListStore) users = g_list_store_new (SCIM_TYPE_USER);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimRecord) client = NULL;
  g_autofree char *sql = NULL;
  ScimClientDialog *card;
  ScimSaleWindow *opened = NULL;
  ScimWindow *window;
  CountWait wait;
  GList *toplevels;
  gint64 client_id, n_sales;

  run_cli ("--db", path, "demo", "--scale", "small", "--seed", "43", NULL);
  client_id = raw_count (path, "SELECT client_id FROM sales GROUP BY client_id ORDER BY count(*) DESC, client_id LIMIT 1");
  sql = g_strdup_printf ("SELECT count(*) FROM sales WHERE client_id = %" G_GINT64_FORMAT, client_id);
  n_sales = raw_count (path, sql);
  g_assert_cmpint (n_sales, >, 1);

  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  g_free (sql);
  sql = g_strdup_printf ("SELECT name FROM clients WHERE id = %" G_GINT64_FORMAT, client_id);
  {
    /* The client's record, found by its name as the settings page would. */
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    query->search = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
  found = scim_store_list (scim_window_get_store (window), query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (found) && client == NULL; i++)
    {
      g_autoptr(ScimRecord) record = g_list_model_get_item (found, i);
      if (scim_record_get_id (record) == client_id)
        client = g_steal_pointer (&record);
    }
  g_assert_nonnull (client);

  card = scim_client_dialog_new (GTK_WINDOW (window), scim_window_get_store (window), client,
                                 G_LIST_MODEL (audiences), G_LIST_MODEL (users), TRUE);
  wait.model = scim_client_dialog_get_sales (card);
  wait.n = (guint) n_sales;
  wait_for (count_reached, &wait, "the client's sales in the card");
  for (guint i = 0; i < wait.n; i++)
    {
      g_autoptr(ScimRecord) sale = g_list_model_get_item (wait.model, i);
      g_assert_cmpint (scim_record_get_int (sale, "client-id"), ==, client_id);
    }

  scim_client_dialog_open_sale (card, 0);
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (SCIM_IS_SALE_WINDOW (l->data))
      opened = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (opened);
  wait_for (sale_window_settled, opened, "the client's sale window");
  gtk_window_destroy (GTK_WINDOW (opened));
  gtk_window_destroy (GTK_WINDOW (card));
  destroy_window (window);
}

static void
test_event_in_sale_window (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "book.db", NULL);
  ScimWindow *window;
  ScimBookPage *book;
  ScimSaleWindow *sale;
  ScimEventDialog *dialog;
  CountWait wait;
  gint64 sale_id;
  guint n0;

  run_cli ("--db", path, "demo", "--scale", "small", "--seed", "41", NULL);
  sale_id = sale_of_admin (path);
  window = new_window ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  sale = scim_sale_window_open (GTK_WINDOW (window), scim_window_get_store (window), sale_id);
  wait_for (sale_window_settled, sale, "the sale window");
  wait.model = scim_sale_window_get_events (sale);
  n0 = g_list_model_get_n_items (wait.model);

  /* Written from the Sales book page… */
  scim_window_set_page (window, "book");
  book = SCIM_BOOK_PAGE (scim_window_get_page_widget (window, "book"));
  dialog = SCIM_EVENT_DIALOG (scim_book_page_add_event (book));
  scim_event_dialog_choose_sale (dialog, sale_id);
  scim_event_dialog_fill (dialog, "meeting", "Встреча с ЛПР", "Обсудили условия договора", NULL);
  g_object_ref (dialog);
  scim_edit_dialog_save (SCIM_EDIT_DIALOG (dialog));
  wait_closed (dialog, "the dialog to save and close");
  g_object_unref (dialog);

  /* …seen on the sale window's timeline within the change poll. */
  wait.n = n0 + 1;
  wait_for (count_reached, &wait, "the event in the sale window");
  {
    g_autoptr(ScimRecord) newest = g_list_model_get_item (wait.model, 0);
    g_assert_cmpstr (scim_record_get_string (newest, "title"), ==, "Встреча с ЛПР");
  }

  /* A picture of the timeline on demo data, for people to look at. */
  wait_for (all_loaded, scim_book_page_get_model (book), "the sales book");
  gtk_window_present (GTK_WINDOW (window));
  g_object_unref (save_png (scim_book_page_get_timeline (book), "timeline.png"));
  gtk_window_destroy (GTK_WINDOW (sale));

  /* An event opened from the book leads to its sale in one click. */
  {
    g_autoptr(ScimRecord) event = g_list_model_get_item (scim_book_page_get_model (book), 0);
    gint64 event_sale = scim_record_get_int (event, "sale-id");
    ScimSaleWindow *opened = NULL;
    GList *toplevels;

    dialog = scim_event_dialog_new (GTK_WINDOW (window), scim_window_get_store (window), 0, event, TRUE);
    g_object_ref (dialog);
    scim_event_dialog_open_sale (dialog);
    wait_closed (dialog, "the event dialog to close");
    g_object_unref (dialog);
    toplevels = gtk_window_list_toplevels ();
    for (GList *l = toplevels; l != NULL; l = l->next)
      if (SCIM_IS_SALE_WINDOW (l->data))
        opened = l->data;
    g_list_free (toplevels);
    g_assert_nonnull (opened);
    /* The window of that sale, not another one. */
    g_assert_true (scim_sale_window_open (GTK_WINDOW (window), scim_window_get_store (window), event_sale) == opened);
    wait_for (sale_window_settled, opened, "the event's sale window");
    gtk_window_destroy (GTK_WINDOW (opened));
  }
  destroy_window (window);
}

static gboolean
funnel_painted (gpointer data)
{
  ScimFunnelPage *page = data;
  GArray *bands = scim_funnel_chart_get_bands (SCIM_FUNNEL_CHART (scim_funnel_page_get_chart (page)));

  return !scim_funnel_page_get_busy (page) && bands != NULL && bands->len > 0;
}

static void
test_funnel_band_lists_sales (void)
{
  g_autofree char *path = demo_database ();
  ScimWindow *window = new_window ();
  ScimFunnelPage *page;
  ScimFunnelChart *chart;
  ScimFunnelBand band;
  ScimFunnelStage *stage;
  GPtrArray *funnels;
  CountWait wait;

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  scim_window_set_page (window, "funnel");
  page = SCIM_FUNNEL_PAGE (scim_window_get_page_widget (window, "funnel"));
  wait_for (funnel_painted, page, "the funnel picture");
  chart = SCIM_FUNNEL_CHART (scim_funnel_page_get_chart (page));
  funnels = scim_funnel_chart_get_funnels (chart);
  g_assert_cmpuint (funnels->len, ==, 1);

  band = g_array_index (scim_funnel_chart_get_bands (chart), ScimFunnelBand, 0);
  stage = g_ptr_array_index (((ScimFunnel *) g_ptr_array_index (funnels, 0))->stages, band.stage_index);

  /* Hover: the tooltip has every figure of the stage, money with its
   * currency; off the bands there is none. */
  {
    g_autofree char *tip = scim_funnel_chart_dup_tooltip_at (chart, band.x + band.width / 2, band.y + band.height / 2);
    g_autofree char *count = g_strdup_printf ("%u sales in work", stage->count);
    g_autofree char *off = scim_funnel_chart_dup_tooltip_at (chart, 1, 1);

    g_assert_nonnull (tip);
    g_test_message ("tooltip: %s", tip);
    g_assert_true (g_str_has_prefix (tip, stage->name));
    g_assert_nonnull (strstr (tip, stage->count == 1 ? "1 sale in work" : count));
    g_assert_nonnull (strstr (tip, "₽"));
    g_assert_nonnull (strstr (tip, "Weighted amount"));
    g_assert_nonnull (strstr (tip, "Average time here"));
    g_assert_nonnull (strstr (tip, "stuck"));
    g_assert_null (off);
  }

  /* In work, the picture still narrows downward: its outline is what
   * reached each stage. */
  for (guint b = 1; b < scim_funnel_chart_get_bands (chart)->len; b++)
    {
      ScimFunnelBand *below = &g_array_index (scim_funnel_chart_get_bands (chart), ScimFunnelBand, b);
      ScimFunnelBand *above = &g_array_index (scim_funnel_chart_get_bands (chart), ScimFunnelBand, b - 1);
      ScimFunnelStage *kind = g_ptr_array_index (((ScimFunnel *) g_ptr_array_index (funnels, 0))->stages,
                                                 below->stage_index);

      if (g_str_equal (kind->kind, "open") || g_str_equal (kind->kind, "won"))
        g_assert_cmpfloat (below->width, <=, above->width + 0.001);
    }

  /* Click the middle of the first band: its sales are listed. */
  scim_funnel_chart_click (chart, band.x + band.width / 2, band.y + band.height / 2);
  wait.model = scim_funnel_page_get_model (page);
  wait.n = stage->count;
  if (stage->count > 0)
    wait_for (count_reached, &wait, "the band's sales");
  g_assert_cmpuint (g_list_model_get_n_items (wait.model), ==, stage->count);

  gtk_window_present (GTK_WINDOW (window));
  g_object_unref (save_png (GTK_WIDGET (chart), "funnel.png"));

  /* A double click lists the band's sales and puts the keyboard in the
   * list, to work in it. */
  {
    GtkWidget *focus;

    gtk_widget_grab_focus (GTK_WIDGET (chart));
    scim_funnel_chart_open (chart, band.x + band.width / 2, band.y + band.height / 2);
    focus = gtk_root_get_focus (GTK_ROOT (window));
    g_assert_nonnull (focus);
    g_assert_false (focus == GTK_WIDGET (chart));
    g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (page)));
    g_assert_nonnull (gtk_widget_get_ancestor (focus, GTK_TYPE_COLUMN_VIEW));
    g_assert_cmpuint (g_list_model_get_n_items (wait.model), ==, stage->count);
  }
  destroy_window (window);
}

static gboolean
funnel_compared (gpointer data)
{
  ScimFunnelChart *chart = data;
  GArray *bands = scim_funnel_chart_get_bands (chart);

  return scim_funnel_chart_get_compare (chart) != NULL && bands != NULL && bands->len > 0 &&
         g_array_index (bands, ScimFunnelBand, 0).compared;
}

/* @window on @path, signed in as admin, at 1280x800 on the Funnel page
 * with its picture drawn. */
static ScimFunnelPage *
show_funnel_page (ScimWindow *window,
                  const char *path)
{
  ScimFunnelPage *page;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  scim_window_set_page (window, "funnel");
  page = SCIM_FUNNEL_PAGE (scim_window_get_page_widget (window, "funnel"));
  gtk_window_present (GTK_WINDOW (window));
  wait_for (funnel_painted, page, "the funnel picture");
  return page;
}

/* @funnel's counts are what `scim-sales-cli funnel --as-of DAY` says. */
static void
assert_funnel_as_cli (const char       *path,
                      const ScimFunnel *funnel,
                      const char       *day)
{
  const char *argv[] = { g_getenv ("SCIM_CLI"), "--db", path, "funnel", "--product", funnel->product, "--as-of", day,
                         "--format", "csv", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;
  guint checked = 0;
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &csv, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (csv, "\n", -1);
  for (guint l = 1; lines[l] != NULL && lines[l][0] != '\0'; l++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[l], ",", -1);
      gint64 stage_id = g_ascii_strtoll (cells[0], NULL, 10);

      g_assert_cmpuint (g_strv_length (cells), >, 11);
      for (guint i = 0; i < funnel->stages->len; i++)
        {
          ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, i);

          if (stage->stage_id != stage_id)
            continue;
          g_assert_cmpuint (stage->count, ==, (guint) g_ascii_strtoull (cells[8], NULL, 10));
          g_assert_cmpuint (stage->reached, ==, (guint) g_ascii_strtoull (cells[11], NULL, 10));
          checked++;
        }
    }
  g_assert_cmpuint (checked, ==, funnel->stages->len);
}

/* Compare: the funnel beside itself 30 days earlier, whose figures are
 * what `funnel --as-of` says of that day; each band of the present marks
 * the difference, and the tooltip says it. */
static void
test_funnel_compare (void)
{
  /* A file of its own: the window before may still be closing its store. */
  g_autofree char *path = demo_copy ("funnel-compare.db");
  ScimWindow *window = new_window ();
  ScimFunnelPage *page;
  ScimFunnelChart *chart;
  ScimFunnel *now, *then;
  GArray *bands;
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autoptr(GDateTime) earlier = g_date_time_add_days (today, -30);
  g_autofree char *day = g_date_time_format (earlier, "%Y-%m-%d");

  page = show_funnel_page (window, path);
  chart = SCIM_FUNNEL_CHART (scim_funnel_page_get_chart (page));
  g_assert_null (scim_funnel_chart_get_compare (chart));

  gtk_drop_down_set_selected (scim_funnel_page_get_compare (page), 1);
  wait_for (funnel_compared, chart, "the funnel compared with 30 days earlier");
  now = g_ptr_array_index (scim_funnel_chart_get_funnels (chart), 0);
  then = scim_funnel_chart_get_compare (chart);
  g_assert_cmpint (then->product_id, ==, now->product_id);

  /* The other half is the CLI's funnel as of the end of that day. */
  assert_funnel_as_cli (path, then, day);

  /* Each band of the present carries its difference, in work. */
  bands = scim_funnel_chart_get_bands (chart);
  for (guint b = 0; b < bands->len; b++)
    {
      ScimFunnelBand *band = &g_array_index (bands, ScimFunnelBand, b);
      ScimFunnelStage *stage, *was = NULL;

      if (band->funnel_index != 0)
        {
          g_assert_false (band->compared);
          continue;
        }
      stage = g_ptr_array_index (now->stages, band->stage_index);
      for (guint i = 0; i < then->stages->len; i++)
        if (((ScimFunnelStage *) g_ptr_array_index (then->stages, i))->stage_id == stage->stage_id)
          was = g_ptr_array_index (then->stages, i);
      g_assert_nonnull (was);
      g_assert_true (band->compared);
      g_assert_cmpint (band->delta, ==, (int) stage->count - (int) was->count);
      if (b == 0)
        {
          g_autofree char *tip = scim_funnel_chart_dup_tooltip_at (chart, band->x + band->width / 2,
                                                                   band->y + band->height / 2);

          g_assert_nonnull (strstr (tip, "Against As of"));
        }
    }
  g_object_unref (save_png (GTK_WIDGET (chart), "funnel-compare.png"));

  /* Exported (and printed) as shown: both halves, their titles, and the
   * caption with the moments. */
  {
    g_autofree char *caption = scim_funnel_chart_dup_caption (chart);
    g_autofree char *pdf = g_build_filename (tmpdir, "funnel-compare.pdf", NULL);
    g_autofree char *then_date = scim_format_date (then->as_of);
    g_autofree char *as_of = g_strdup_printf ("As of %s", then_date);
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");

    g_test_message ("caption: %s", caption);
    g_assert_true (g_str_has_prefix (caption, now->product));
    g_assert_nonnull (strstr (caption, "as of "));
    g_assert_nonnull (strstr (caption, "compared with "));
    g_assert_true (scim_funnel_chart_export (chart, SCIM_FUNNEL_FORMAT_PDF, pdf, 1200, 900, &error));
    g_assert_no_error (error);
    if (pdftotext == NULL && g_strcmp0 (g_getenv ("CI"), "true") == 0)
      g_error ("pdftotext is missing, and CI must run this check (./build-aux/dev test installs it)");
    if (pdftotext != NULL)
      {
        const char *argv[] = { pdftotext, "-enc", "UTF-8", pdf, "-", NULL };
        int status = -1;

        g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &text, NULL, &status, &error);
        g_assert_no_error (error);
        g_assert_true (g_spawn_check_wait_status (status, NULL));
        g_strdelimit (text, "\n", ' ');
        g_test_message ("PDF: %s", text);
        g_assert_nonnull (strstr (text, "Now"));
        g_assert_nonnull (strstr (text, as_of));
        g_assert_nonnull (strstr (text, "compared with"));
        g_assert_nonnull (strstr (text, ((ScimFunnelStage *) g_ptr_array_index (now->stages, 0))->name));
      }
  }

  /* Back to one funnel. */
  gtk_drop_down_set_selected (scim_funnel_page_get_compare (page), 0);
  wait_for (funnel_painted, page, "the funnel without the comparison");
  g_assert_null (scim_funnel_chart_get_compare (chart));
  destroy_window (window);
}

typedef struct
{
  ScimFunnelPage *page;
  gint64          as_of;
} AsOfWait;

/* The picture is drawn, and stands as of that moment. */
static gboolean
funnel_as_of (gpointer data)
{
  AsOfWait *wait = data;
  ScimFunnelChart *chart = SCIM_FUNNEL_CHART (scim_funnel_page_get_chart (wait->page));
  GPtrArray *funnels = scim_funnel_chart_get_funnels (chart);

  return funnel_painted (wait->page) && funnels != NULL && funnels->len == 1 &&
         ((ScimFunnel *) g_ptr_array_index (funnels, 0))->as_of == wait->as_of;
}

/* The end of the local day @days_back before today, and its date. */
static gint64
day_end (int    days_back,
         char **day)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, -days_back);
  g_autoptr(GDateTime) end = g_date_time_new_local (g_date_time_get_year (then), g_date_time_get_month (then),
                                                    g_date_time_get_day_of_month (then), 23, 59, 59);

  if (day != NULL)
    *day = g_date_time_format (then, "%Y-%m-%d");
  return g_date_time_to_unix (end);
}

/* Replay: the slider redraws the funnel as of its day (what the CLI's
 * --as-of says of that day), and Play walks the days to today. */
static void
test_funnel_replay (void)
{
  /* A file of its own: the window before may still be closing its store. */
  g_autofree char *path = demo_copy ("funnel-replay.db");
  g_autofree char *day = NULL;
  ScimWindow *window = new_window ();
  ScimFunnelPage *page;
  ScimFunnelChart *chart;
  GtkRange *scale;
  AsOfWait wait;

  page = show_funnel_page (window, path);
  chart = SCIM_FUNNEL_CHART (scim_funnel_page_get_chart (page));
  scale = GTK_RANGE (scim_funnel_page_get_replay (page, "scale"));

  /* Out, the slider stands on today (90 days back is its start). */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (scim_funnel_page_get_replay (page, "button")), TRUE);
  g_assert_cmpfloat (gtk_range_get_value (scale), ==, 90);
  wait.page = page;
  wait.as_of = day_end (0, NULL);
  wait_for (funnel_as_of, &wait, "the funnel as of today");

  /* 30 days back: the funnel of that day. */
  gtk_range_set_value (scale, 60);
  wait.as_of = day_end (30, &day);
  wait_for (funnel_as_of, &wait, "the funnel as of 30 days ago");
  assert_funnel_as_cli (path, g_ptr_array_index (scim_funnel_chart_get_funnels (chart), 0), day);

  /* Play from 5 days back: day by day to today, then it stops. */
  gtk_range_set_value (scale, 85);
  wait.as_of = day_end (5, NULL);
  wait_for (funnel_as_of, &wait, "the funnel as of 5 days ago");
  gtk_widget_activate (scim_funnel_page_get_replay (page, "play"));
  wait.as_of = day_end (0, NULL);
  wait_for (funnel_as_of, &wait, "the replay to reach today");
  g_assert_cmpfloat (gtk_range_get_value (scale), ==, 90);
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (scim_funnel_page_get_replay (page, "play"))), ==,
                   "media-playback-start-symbolic");
  g_object_unref (save_png (GTK_WIDGET (page), "funnel-replay.png"));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (scim_funnel_page_get_replay (page, "button")), FALSE);
  wait_for (funnel_painted, page, "the funnel without the replay");
  destroy_window (window);
}

/* The pipeline board */

static gboolean
board_ready (gpointer data)
{
  ScimPipelineBoard *board = data;
  guint n = scim_pipeline_board_get_n_columns (board);

  if (n == 0 || scim_pipeline_board_get_busy (board))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *totals = scim_pipeline_board_dup_totals (board, i);

      if (totals == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Ready, and the first card of each column that has one filled. */
static gboolean
board_shown (gpointer data)
{
  ScimPipelineBoard *board = data;

  if (!board_ready (board))
    return FALSE;
  for (guint i = 0; i < scim_pipeline_board_get_n_columns (board); i++)
    {
      GListModel *cards = scim_pipeline_board_get_cards (board, i);
      g_autoptr(ScimRecord) first = g_list_model_get_n_items (cards) > 0 ? g_list_model_get_item (cards, 0) : NULL;

      if (first != NULL && !scim_record_get_loaded (first))
        return FALSE;
    }
  return TRUE;
}

/* The first card of a column, filled from the file. */
typedef struct
{
  GListModel *cards;
  gint64      sale_id;   /* 0: any first card */
} CardWait;

static gboolean
card_loaded (gpointer data)
{
  CardWait *wait = data;
  guint n = g_list_model_get_n_items (wait->cards);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScimRecord) card = g_list_model_get_item (wait->cards, i);

      if ((wait->sale_id == 0 || scim_record_get_id (card) == wait->sale_id))
        return scim_record_get_loaded (card);
    }
  return FALSE;
}

static ScimRecord *
card_of_sale (GListModel *cards,
              gint64      sale_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (cards); i++)
    {
      ScimRecord *card = g_list_model_get_item (cards, i);

      if (scim_record_get_id (card) == sale_id)
        return card;
      g_object_unref (card);
    }
  return NULL;
}

typedef struct
{
  ScimStore *store;
  gint64     sale_id;
  gint64     stage_id;
} SaleAtWait;

static gboolean
sale_at_stage (gpointer data)
{
  SaleAtWait *wait = data;
  g_autoptr(ScimSale) sale = scim_store_get_sale (wait->store, wait->sale_id, NULL);

  return sale != NULL && scim_record_get_int (SCIM_RECORD (sale), "stage-id") == wait->stage_id;
}

static void
wait_sale_at (ScimStore  *store,
              gint64      sale_id,
              gint64      stage_id,
              const char *what)
{
  SaleAtWait wait = { store, sale_id, stage_id };

  wait_for (sale_at_stage, &wait, what);
}

/* The stage history's last move: to @to, by @by, with @reason. */
static void
assert_last_move (ScimStore  *store,
                  gint64      sale_id,
                  const char *to,
                  const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = scim_store_sale_history (store, sale_id, &error);
  ScimStageMove *last;

  g_assert_no_error (error);
  g_assert_cmpuint (history->len, >, 0);
  last = g_ptr_array_index (history, history->len - 1);
  g_assert_cmpstr (last->to, ==, to);
  g_assert_cmpstr (last->by, ==, "James Moore");
  if (reason != NULL)
    g_assert_cmpstr (last->reason, ==, reason);
}

static GtkShortcut *
find_shortcut (GtkWidget  *widget,
               const char *trigger)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          g_autofree char *text = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (g_str_equal (text, trigger))
            return shortcut;
        }
    }
  return NULL;
}

static guint
column_of_kind (ScimFunnel *funnel,
                const char *kind,
                guint       from)
{
  for (guint i = from; i < funnel->stages->len; i++)
    {
      ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, i);

      if (g_str_equal (stage->kind, kind))
        return i;
    }
  g_assert_not_reached ();
  return 0;
}

/* The board of the first product: a column per stage with the funnel's own
 * count and amount; a card moved by Alt+Right (focus follows it), undone,
 * dropped on the lost column (the reason asked, Move off until given),
 * undone again; the usual tasks of the new stage offered and added; and a
 * move by another process appearing on its own. */
static void
test_funnel_board (void)
{
  g_autofree char *path = demo_copy ("funnel-board.db");
  ScimWindow *window = new_window ();
  ScimFunnelPage *page = show_funnel_page (window, path);
  ScimStore *store = scim_window_get_store (window);
  ScimFunnel *funnel = g_ptr_array_index (scim_funnel_chart_get_funnels (SCIM_FUNNEL_CHART (scim_funnel_page_get_chart (page))), 0);
  ScimPipelineBoard *board = scim_funnel_page_show_board (page, TRUE);
  g_autoptr(GdkTexture) shot = NULL;
  g_autoptr(ScimRecord) card = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *offered = NULL;
  g_autofree char *moved = NULL;
  ScimFunnelStage *first, *next, *lost;
  GtkShortcut *shortcut;
  GListModel *cards;
  AdwMessageDialog *dialog;
  GtkEditable *entry;
  GValue value = G_VALUE_INIT;
  CardWait card_wait = { NULL, 0 };
  LabelWait label_wait;
  guint a, b, l;
  gboolean handled = FALSE;
  gint64 sale_id;
  ScimTemplateTask usual[] = { { "Call to confirm", "", 1 }, { "Send the agreement", "", 3 } };

  wait_for (board_ready, board, "the board's columns and totals");
  /* A column per stage of the funnel, its totals the funnel's own. */
  g_assert_cmpuint (scim_pipeline_board_get_n_columns (board), ==, funnel->stages->len);
  for (guint i = 0; i < funnel->stages->len; i++)
    {
      ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, i);
      g_autofree char *totals = scim_pipeline_board_dup_totals (board, i);
      g_autofree char *amount = scim_format_amount (stage->amount);
      g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u sale", "%'u sales", stage->count),
                                                stage->count);
      g_autofree char *expected = g_strdup_printf ("%s · %s", count, amount);

      g_assert_cmpint (scim_pipeline_board_get_stage (board, i), ==, stage->stage_id);
      g_assert_cmpstr (totals, ==, expected);
      /* Only a chunk of cards is built, however long the column. */
      g_assert_cmpuint (g_list_model_get_n_items (scim_pipeline_board_get_cards (board, i)), <=,
                        MIN (stage->count, 30u));
    }
  a = column_of_kind (funnel, "open", 0);
  first = g_ptr_array_index (funnel->stages, a);
  b = column_of_kind (funnel, "open", a + 1);
  g_assert_cmpuint (b, ==, a + 1);
  next = g_ptr_array_index (funnel->stages, b);
  l = column_of_kind (funnel, "lost", 0);
  lost = g_ptr_array_index (funnel->stages, l);
  g_assert_cmpuint (first->count, >, 0);

  cards = scim_pipeline_board_get_cards (board, a);
  card_wait.cards = cards;
  wait_for (card_loaded, &card_wait, "the first card filled");
  shot = save_png (GTK_WIDGET (window), "funnel-board.png");
  g_assert_cmpint (gdk_texture_get_width (shot), <=, 1280);
  g_assert_cmpint (gdk_texture_get_height (shot), <=, 800);
  /* And in the dark style: the columns and cards take the palette's colours. */
  {
    AdwStyleManager *style = adw_style_manager_get_default ();
    g_autoptr(GdkTexture) dark = NULL;

    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
    dark = save_png (GTK_WIDGET (window), "funnel-board-dark.png");
    g_assert_cmphex (pixel_at (dark, 640, 400) & 0xFFFFFF, !=, pixel_at (shot, 640, 400) & 0xFFFFFF);
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  }
  /* Scrolled to its end, a long column builds more cards. */
  if (first->count > 10)
    {
      GtkWidget *scroller = gtk_widget_get_ancestor (scim_pipeline_board_get_view (board, a), GTK_TYPE_SCROLLED_WINDOW);
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
      guint before = g_list_model_get_n_items (cards);

      g_assert_cmpuint (before, ==, 10);
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      g_assert_cmpuint (g_list_model_get_n_items (cards), >, before);
      gtk_adjustment_set_value (adjustment, 0);
    }
  card = g_list_model_get_item (cards, 0);
  sale_id = scim_record_get_id (card);
  g_assert_cmpint (scim_record_get_int (card, "stage-id"), ==, first->stage_id);

  /* The next stage has usual tasks: the move offers them. */
  g_assert_true (scim_store_set_plan_template (store, funnel->product_id, next->stage_id, usual, 2, &error));
  g_assert_no_error (error);

  /* Alt+Right on the selected card: the next stage, in the file and its history. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (cards), 0, TRUE);
  shortcut = find_shortcut (scim_pipeline_board_get_view (board, a), "<Alt>Right");
  g_assert_nonnull (shortcut);
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                               scim_pipeline_board_get_view (board, a),
                                               gtk_shortcut_get_arguments (shortcut)));
  wait_sale_at (store, sale_id, next->stage_id, "the sale at the next stage");
  assert_last_move (store, sale_id, next->name, NULL);
  moved = g_strdup_printf ("moved to “%s”", next->name);
  label_wait.root = GTK_WIDGET (board);
  label_wait.text = moved;
  wait_for (label_shown, &label_wait, "the toast of the move");
  offered = g_strdup_printf ("“%s” has 2 usual tasks", next->name);
  label_wait.text = offered;
  wait_for (label_shown, &label_wait, "the usual tasks offered");
  /* The card came along, selected, in its new column. */
  card_wait.cards = scim_pipeline_board_get_cards (board, b);
  card_wait.sale_id = sale_id;
  wait_for (card_loaded, &card_wait, "the card in the next column");
  {
    g_autoptr(ScimRecord) selected = NULL;
    guint position = gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (card_wait.cards));

    g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
    selected = g_list_model_get_item (card_wait.cards, position);
    g_assert_cmpint (scim_record_get_id (selected), ==, sale_id);
  }
  /* The offer's button adds them to the plan. */
  {
    g_autoptr(ScimSale) before = scim_store_get_sale (store, sale_id, &error);
    gint64 open_before = scim_record_get_int (SCIM_RECORD (before), "open-tasks");
    g_autoptr(ScimSale) after = NULL;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (board), "board.add-usual-tasks", "(xx)", sale_id,
                                               next->stage_id));
    label_wait.text = "2 tasks added to the plan";
    wait_for (label_shown, &label_wait, "the tasks added");
    after = scim_store_get_sale (store, sale_id, &error);
    g_assert_cmpint (scim_record_get_int (SCIM_RECORD (after), "open-tasks"), ==, open_before + 2);
  }

  /* Undo (the toast's action, Ctrl+Z): back where it was, both moves in the history. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (board), "board.undo", NULL));
  wait_sale_at (store, sale_id, first->stage_id, "the move undone");
  assert_last_move (store, sale_id, first->name, "Move undone");

  /* Dropped on the lost column: the reason is asked, and Move waits for it. */
  card_wait.cards = cards;
  wait_for (card_loaded, &card_wait, "the card back in its column");
  g_value_init (&value, G_TYPE_STRING);
  g_value_take_string (&value, g_strdup_printf ("scim-sale:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, sale_id,
                                                first->stage_id));
  g_signal_emit_by_name (scim_pipeline_board_get_drop_target (board, l), "drop", &value, 10.0, 10.0, &handled);
  g_value_unset (&value);
  g_assert_true (handled);
  wait_for (message_dialog_shown, NULL, "the lost reason asked");
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  entry = g_object_get_data (G_OBJECT (dialog), "scim-entry");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "move"));
  gtk_editable_set_text (entry, "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "move"));
  gtk_editable_set_text (entry, "Chose a competitor");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "move"));
  adw_message_dialog_response (dialog, "move");
  wait_sale_at (store, sale_id, lost->stage_id, "the sale lost");
  assert_last_move (store, sale_id, lost->name, "Chose a competitor");
  gtk_window_destroy (GTK_WINDOW (dialog));
  /* The toast's Undo is there once the move's answer is. */
  wait_for (board_ready, board, "the board after the loss");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (board), "board.undo", NULL));
  wait_sale_at (store, sale_id, first->stage_id, "the loss undone");
  wait_for (board_ready, board, "the board after the undo");

  /* Paused: until a day that is a date, and the pause ends then. */
  {
    ScimFunnelStage *paused = g_ptr_array_index (funnel->stages, column_of_kind (funnel, "paused", 0));
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(GDateTime) later = g_date_time_add_days (now, 10);
    g_autofree char *day = g_date_time_format (later, "%Y-%m-%d");
    g_autoptr(ScimSale) held = NULL;

    wait_for (card_loaded, &card_wait, "the card back after the loss");
    g_value_init (&value, G_TYPE_STRING);
    g_value_take_string (&value, g_strdup_printf ("scim-sale:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, sale_id,
                                                  first->stage_id));
    g_signal_emit_by_name (scim_pipeline_board_get_drop_target (board, column_of_kind (funnel, "paused", 0)), "drop",
                           &value, 10.0, 10.0, &handled);
    g_value_unset (&value);
    wait_for (message_dialog_shown, NULL, "the end of the pause asked");
    dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
    entry = g_object_get_data (G_OBJECT (dialog), "scim-entry");
    gtk_editable_set_text (entry, "next week");
    g_assert_false (adw_message_dialog_get_response_enabled (dialog, "move"));
    gtk_editable_set_text (entry, day);
    g_assert_true (adw_message_dialog_get_response_enabled (dialog, "move"));
    adw_message_dialog_response (dialog, "move");
    wait_sale_at (store, sale_id, paused->stage_id, "the sale paused");
    gtk_window_destroy (GTK_WINDOW (dialog));
    held = scim_store_get_sale (store, sale_id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (scim_record_get_int (SCIM_RECORD (held), "paused-until"), >, g_date_time_to_unix (now) + 9 * 86400);
    wait_for (board_ready, board, "the board after the pause");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (board), "board.undo", NULL));
    wait_sale_at (store, sale_id, first->stage_id, "the pause undone");
  }

  /* Another process moves it: the card goes to its column on its own. */
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, sale_id);
    g_autofree char *stage = g_strdup_printf ("%u", b + 1);
    g_autoptr(ScimRecord) gone = NULL;

    run_cli ("--db", path, "--user", "head", "sale", "move", id, stage, NULL);
    card_wait.cards = scim_pipeline_board_get_cards (board, b);
    wait_for (card_loaded, &card_wait, "the card moved by someone else");
    gone = card_of_sale (cards, sale_id);
    g_assert_null (gone);
  }
  destroy_window (window);
}

/* A salesperson's board shows their own sales at first. */
static void
test_funnel_board_mine (void)
{
  g_autofree char *path = demo_copy ("funnel-board-mine.db");
  ScimWindow *window = new_window ();
  ScimFunnelPage *page;
  ScimPipelineBoard *board;
  gint64 me;
  guint cards = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  scim_window_open_file (window, path, "sales1");
  wait_state (window, "work");
  scim_window_set_page (window, "funnel");
  page = SCIM_FUNNEL_PAGE (scim_window_get_page_widget (window, "funnel"));
  wait_for (funnel_painted, page, "the funnel picture");
  board = scim_funnel_page_show_board (page, TRUE);
  wait_for (board_ready, board, "the board");
  me = scim_store_get_user_id (scim_window_get_store (window));
  for (guint i = 0; i < scim_pipeline_board_get_n_columns (board); i++)
    {
      GListModel *model = scim_pipeline_board_get_cards (board, i);
      CardWait wait = { model, 0 };

      if (g_list_model_get_n_items (model) == 0)
        continue;
      wait_for (card_loaded, &wait, "a card filled");
      for (guint k = 0; k < g_list_model_get_n_items (model); k++)
        {
          g_autoptr(ScimRecord) card = g_list_model_get_item (model, k);

          if (!scim_record_get_loaded (card))
            continue;
          g_assert_cmpint (scim_record_get_int (card, "owner-id"), ==, me);
          cards++;
        }
    }
  g_assert_cmpuint (cards, >, 0);

  /* Someone else's sale: the core refuses the move, the board says why,
   * and the sale stays where it was. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    gint64 other, from, to;
    LabelWait refused = { GTK_WIDGET (board), "Only the salesperson of this sale" };
    ScimStore *store = scim_window_get_store (window);

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT s.id, s.stage_id, (SELECT n.id FROM stages n WHERE "
                                             "n.product_id = s.product_id AND n.kind = 'open' AND n.id != s.stage_id "
                                             "LIMIT 1) FROM sales s JOIN stages st ON st.id = s.stage_id WHERE "
                                             "s.owner_id != ?1 AND st.kind = 'open' AND s.product_id = "
                                             "(SELECT product_id FROM stages WHERE id = ?2) LIMIT 1",
                                     -1, &stmt, NULL), ==, SQLITE_OK);
    sqlite3_bind_int64 (stmt, 1, me);
    sqlite3_bind_int64 (stmt, 2, scim_pipeline_board_get_stage (board, 0));
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    other = sqlite3_column_int64 (stmt, 0);
    from = sqlite3_column_int64 (stmt, 1);
    to = sqlite3_column_int64 (stmt, 2);
    sqlite3_finalize (stmt);
    sqlite3_close (db);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (board), "board.move-sale", "(xx)", other, to));
    wait_for (label_shown, &refused, "the refusal");
    g_assert_true (sale_at_stage (&(SaleAtWait) { store, other, from }));
  }
  destroy_window (window);
}

/* Every string of the UI in Russian */

/* The catalogue's English strings that have a Russian translation other
 * than themselves, mnemonics dropped: a widget showing one of them under
 * LANGUAGE=ru shows an untranslated string. */
static char *
po_unescape (const char *quoted)
{
  GString *out = g_string_new (NULL);

  for (const char *p = quoted; *p != '\0'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          g_string_append_c (out, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static char *
without_mnemonic (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (*p != '_')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

static GHashTable *
english_strings (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "po", "ru.po", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) msgid = g_string_new (NULL);
  g_autoptr(GString) msgstr = g_string_new (NULL);
  GString *current = NULL;
  gboolean fuzzy = FALSE, plural = FALSE;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; ; i++)
    {
      const char *line = lines[i] != NULL ? lines[i] : "";

      /* An entry ends at a blank line (or the end). */
      if (line[0] == '\0')
        {
          if (current != NULL && !fuzzy && !plural && msgid->len > 0 && msgstr->len > 0 &&
              !g_str_equal (msgid->str, msgstr->str))
            g_hash_table_add (strings, without_mnemonic (msgid->str));
          g_string_truncate (msgid, 0);
          g_string_truncate (msgstr, 0);
          current = NULL;
          fuzzy = plural = FALSE;
          if (lines[i] == NULL)
            break;
          continue;
        }
      if (g_str_has_prefix (line, "#,") && strstr (line, "fuzzy") != NULL)
        fuzzy = TRUE;
      else if (g_str_has_prefix (line, "msgid_plural"))
        plural = TRUE;
      else if (g_str_has_prefix (line, "msgctxt"))
        current = NULL;
      else if (g_str_has_prefix (line, "msgid "))
        current = msgid;
      else if (g_str_has_prefix (line, "msgstr "))
        current = msgstr;
      if (current != NULL && strchr (line, '"') != NULL && line[0] != '#')
        {
          const char *start = strchr (line, '"') + 1;
          const char *end = strrchr (line, '"');

          if (end > start)
            {
              g_autofree char *piece = g_strndup (start, end - start);
              g_autofree char *plain = po_unescape (piece);

              g_string_append (current, plain);
            }
        }
    }
  return strings;
}

typedef struct
{
  GHashTable *english;
  GPtrArray  *found;     /* "where: text" */
  guint       checked;
  const char *where;
} Untranslated;

static void
check_text (Untranslated *u,
            const char   *what,
            const char   *text)
{
  g_autofree char *plain = NULL;

  if (text == NULL || text[0] == '\0')
    return;
  u->checked++;
  plain = without_mnemonic (text);
  if (g_hash_table_contains (u->english, plain))
    g_ptr_array_add (u->found, g_strdup_printf ("%s, %s: “%s”", u->where, what, text));
}

static void
check_menu (Untranslated *u,
            GMenuModel   *menu)
{
  for (int i = 0; menu != NULL && i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *label = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SUBMENU);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label))
        check_text (u, "menu item", label);
      check_menu (u, section);
      check_menu (u, submenu);
    }
}

static void
check_widget (Untranslated *u,
              GtkWidget    *widget)
{
  check_text (u, G_OBJECT_TYPE_NAME (widget), gtk_widget_get_tooltip_text (widget));
  if (GTK_IS_LABEL (widget))
    check_text (u, "label", gtk_label_get_text (GTK_LABEL (widget)));
  if (GTK_IS_ENTRY (widget))
    check_text (u, "placeholder", gtk_entry_get_placeholder_text (GTK_ENTRY (widget)));
  if (GTK_IS_SEARCH_ENTRY (widget))
    {
      g_autofree char *placeholder = NULL;

      g_object_get (widget, "placeholder-text", &placeholder, NULL);
      check_text (u, "placeholder", placeholder);
    }
  if (ADW_IS_PREFERENCES_ROW (widget))
    check_text (u, "row title", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));
  if (ADW_IS_ACTION_ROW (widget))
    check_text (u, "row subtitle", adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)));
  if (ADW_IS_PREFERENCES_GROUP (widget))
    {
      check_text (u, "group title", adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)));
      check_text (u, "group description", adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (widget)));
    }
  if (ADW_IS_STATUS_PAGE (widget))
    {
      check_text (u, "status title", adw_status_page_get_title (ADW_STATUS_PAGE (widget)));
      check_text (u, "status description", adw_status_page_get_description (ADW_STATUS_PAGE (widget)));
    }
  if (ADW_IS_WINDOW_TITLE (widget))
    check_text (u, "window title", adw_window_title_get_title (ADW_WINDOW_TITLE (widget)));
  if (GTK_IS_WINDOW (widget))
    check_text (u, "window title", gtk_window_get_title (GTK_WINDOW (widget)));
  if (GTK_IS_MENU_BUTTON (widget))
    check_menu (u, gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)));
  if (GTK_IS_DROP_DOWN (widget))
    {
      GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (widget));

      for (guint i = 0; GTK_IS_STRING_LIST (model) && i < g_list_model_get_n_items (model); i++)
        check_text (u, "choice", gtk_string_list_get_string (GTK_STRING_LIST (model), i));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    check_widget (u, child);
}

/* Under LANGUAGE=ru, every page (each of its tabs and sections, shown or
 * not), the board, the sale window, the preferences and the shortcuts
 * window show no string of the catalogue in English. */
static void
test_russian_everywhere (void)
{
  g_autofree char *path = demo_copy ("russian.db");
  g_autoptr(GHashTable) english = english_strings ();
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  static const char *pages[] = { "funnel", "control", "book", "leads", "settings" };
  Untranslated u = { english, found, 0, NULL };
  ScimWindow *window = new_window ();
  ScimFunnelPage *funnel;
  ScimPreferences *preferences;
  GtkWindow *sale, *shortcuts;

  /* The catalogue was read: hundreds of strings, "Funnel" among them. */
  g_assert_cmpuint (g_hash_table_size (english), >, 500);
  g_assert_true (g_hash_table_contains (english, "Funnel"));

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *page = scim_window_get_page_widget (window, pages[i]);

      scim_window_set_page (window, pages[i]);
      if (SCIM_IS_FUNNEL_PAGE (page))
        wait_for (funnel_painted, page, "the funnel picture");
      else
        wait_for (all_loaded, page_model (page), pages[i]);
      wait_drawn (page, pages[i]);
    }
  u.where = "the main window";
  check_widget (&u, GTK_WIDGET (window));

  funnel = SCIM_FUNNEL_PAGE (scim_window_get_page_widget (window, "funnel"));
  scim_window_set_page (window, "funnel");
  {
    ScimPipelineBoard *board = scim_funnel_page_show_board (funnel, TRUE);

    wait_for (board_shown, board, "the board");
    wait_drawn (GTK_WIDGET (board), "the board");
    g_object_unref (save_png (GTK_WIDGET (window), "funnel-board-ru.png"));
    u.where = "the board";
    check_widget (&u, GTK_WIDGET (board));
    scim_funnel_page_show_board (funnel, FALSE);
  }

  {
    GListModel *sales = scim_funnel_page_get_model (funnel);
    ScimFunnel *shown = g_ptr_array_index (scim_funnel_chart_get_funnels (SCIM_FUNNEL_CHART (scim_funnel_page_get_chart (funnel))), 0);
    g_autoptr(ScimRecord) first = NULL;
    gint64 stage_id = 0;

    for (guint i = 0; stage_id == 0 && i < shown->stages->len; i++)
      if (((ScimFunnelStage *) g_ptr_array_index (shown->stages, i))->count > 0)
        stage_id = ((ScimFunnelStage *) g_ptr_array_index (shown->stages, i))->stage_id;
    scim_funnel_page_show_stage (funnel, stage_id);
    wait_for (all_loaded, sales, "the stage's sales");
    first = g_list_model_get_item (sales, 0);
    sale = GTK_WINDOW (scim_sale_window_open (GTK_WINDOW (window), scim_window_get_store (window),
                                              scim_record_get_id (first)));
    wait_for (sale_window_settled, sale, "the sale window");
    wait_drawn (GTK_WIDGET (sale), "the sale window");
    u.where = "the sale window";
    check_widget (&u, GTK_WIDGET (sale));
    gtk_window_destroy (sale);
  }

  preferences = scim_preferences_new (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (preferences));
  wait_drawn (GTK_WIDGET (preferences), "the preferences");
  u.where = "the preferences";
  check_widget (&u, GTK_WIDGET (preferences));
  gtk_window_destroy (GTK_WINDOW (preferences));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  u.where = "the shortcuts window";
  check_widget (&u, GTK_WIDGET (shortcuts));
  gtk_window_destroy (shortcuts);

  for (guint i = 0; i < found->len; i++)
    g_test_message ("untranslated: %s", (const char *) g_ptr_array_index (found, i));
  g_test_message ("%u strings checked", u.checked);
  g_assert_cmpuint (u.checked, >, 300);
  g_assert_cmpuint (found->len, ==, 0);
  destroy_window (window);
}

static gboolean
is_main_menu_button (GtkWidget  *widget,
                     const char *unused)
{
  return GTK_IS_MENU_BUTTON (widget) &&
         g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)), "open-menu-symbolic") == 0 &&
         gtk_widget_is_drawable (widget);
}

/* The main menu's Open Recent lists the files opened, newest first, and
 * opens the one chosen. */
static void
test_open_recent (void)
{
  g_autofree char *first = demo_copy ("recent-first.db");
  g_autofree char *second = demo_copy ("recent-second.db");
  ScimWindow *window = new_window ();
  GtkWidget *button;
  GMenuModel *menu, *section;
  g_autoptr(GMenuModel) recent = NULL;
  g_autoptr(GVariant) target0 = NULL;
  g_autoptr(GVariant) target1 = NULL;
  g_autofree char *label = NULL;

  scim_window_open_file (window, first, "admin");
  wait_state (window, "work");
  scim_window_open_file (window, second, "admin");
  wait_state (window, "work");
  g_assert_cmpstr (scim_store_get_path (scim_window_get_store (window)), ==, second);

  button = find_descendant (GTK_WIDGET (window), is_main_menu_button, NULL);
  g_assert_nonnull (button);
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  g_assert_nonnull (section);
  recent = g_menu_model_get_item_link (section, 1, G_MENU_LINK_SUBMENU);
  g_object_unref (section);
  g_assert_nonnull (recent);
  g_assert_cmpint (g_menu_model_get_n_items (recent), >=, 2);
  target0 = g_menu_model_get_item_attribute_value (recent, 0, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_STRING);
  target1 = g_menu_model_get_item_attribute_value (recent, 1, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_STRING);
  g_assert_cmpstr (g_variant_get_string (target0, NULL), ==, second);
  g_assert_cmpstr (g_variant_get_string (target1, NULL), ==, first);
  g_assert_true (g_menu_model_get_item_attribute (recent, 1, G_MENU_ATTRIBUTE_LABEL, "s", &label));
  g_assert_true (g_str_has_prefix (label, "recent-first.db — "));

  /* The file opens, and asks who signs in, as one chosen on the welcome page does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", first));
  wait_state (window, "sign-in");
  g_assert_cmpstr (scim_store_get_path (scim_window_get_store (window)), ==, first);
  destroy_window (window);
}

static gboolean
first_lead_named (gpointer data)
{
  GListModel *leads = data;
  g_autoptr(ScimRecord) first = NULL;

  if (g_list_model_get_n_items (leads) == 0)
    return FALSE;
  first = g_list_model_get_item (leads, 0);
  return scim_record_get_loaded (first) && g_strcmp0 (scim_record_get_string (first, "name"), "Refreshed Lead") == 0;
}

/* The keyboard paths beyond the pages: Ctrl+F searches the list on
 * screen, F5 reads the file again at once (the poll is set to an hour, so
 * only the refresh can bring another process's lead), Ctrl+Shift+N opens
 * a new lead's card from any page, and Ctrl+T in a sale window is its
 * plan's quick-add row. */
static void
test_keyboard_paths (void)
{
  g_autofree char *path = demo_copy ("keys.db");
  g_autofree char *csv = g_build_filename (tmpdir, "refreshed.csv", NULL);
  static const struct { const char *action; const char *accel; } keys[] = {
    { "win.search", "<Control>f" },
    { "win.refresh", "F5" },
    { "win.new-lead", "<Shift><Control>n" },
  };
  ScimWindow *window = new_window ();
  ScimLeadsPage *leads;
  ScimStore *store;
  GtkWidget *focus;
  GtkWindow *card, *sale;
  g_autoptr(GArray) sales = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_SALES);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), keys[i].action);

      g_assert_cmpuint (g_strv_length (accels), >=, 1);
      g_assert_cmpstr (accels[0], ==, keys[i].accel);
    }

  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  store = scim_window_get_store (window);
  scim_window_set_page (window, "leads");
  leads = SCIM_LEADS_PAGE (scim_window_get_page_widget (window, "leads"));
  wait_for (leads_page_ready, leads, "the leads");
  wait_drawn (GTK_WIDGET (leads), "the leads page");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_nonnull (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY));
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (leads)));

  scim_store_set_poll_interval (store, 3600 * 1000);
  g_assert_true (g_file_set_contents (csv, "Name,Phone\nRefreshed Lead,+7 900 111-22-33\n", -1, NULL));
  run_cli ("--db", path, "--user", "head", "import", "leads", csv, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  wait_for (first_lead_named, scim_leads_page_get_model (leads), "the imported lead after F5");
  scim_store_set_poll_interval (store, 1000);

  scim_window_set_page (window, "funnel");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-lead", NULL));
  wait_for (lead_dialog_shown, NULL, "a new lead's card");
  g_assert_cmpstr (scim_window_get_page (window), ==, "leads");
  card = find_toplevel (SCIM_TYPE_LEAD_DIALOG);
  gtk_window_destroy (card);

  sales = scim_store_query_ids (store, query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sales->len, >, 0);
  sale = GTK_WINDOW (scim_sale_window_open (GTK_WINDOW (window), store, g_array_index (sales, gint64, 0)));
  wait_for (sale_window_settled, sale, "the sale window");
  wait_drawn (GTK_WIDGET (sale), "the sale window");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sale), "sale.new-task", NULL));
  focus = gtk_root_get_focus (GTK_ROOT (sale));
  g_assert_nonnull (focus);
  g_assert_nonnull (gtk_widget_get_ancestor (focus, ADW_TYPE_ENTRY_ROW));
  gtk_window_destroy (sale);
  destroy_window (window);
}

static void
test_russian (void)
{
  ScimWindow *window;
  GtkWidget *funnel;
  AdwViewStackPage *page;

  /* Run with LANGUAGE=ru and a Russian locale: the UI speaks Russian. */
  g_assert_cmpstr (_("Funnel"), ==, "Воронка");
  window = new_window ();
  funnel = scim_window_get_page_widget (window, "funnel");
  page = adw_view_stack_get_page (ADW_VIEW_STACK (gtk_widget_get_parent (funnel)), funnel);
  g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, "Воронка");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%'u lead", "%'u leads", 3), ==, "%'u лида");
  destroy_window (window);
}

/* `scim-sales [--user LOGIN] [FILE]`, through the real command line of a
 * second application instance: FILE opens and LOGIN is signed in; then,
 * with no file, the last database opens again for the last user. */
typedef struct
{
  ScimWindow *window;
  char       *login;
  char       *path;
  gint64      deadline;
} LaunchSeen;

static gboolean
launch_poll_cb (gpointer data)
{
  LaunchSeen *seen = data;
  ScimWindow *window = seen->window;

  if (g_strcmp0 (scim_window_get_state (window), "work") == 0)
    {
      seen->login = g_strdup (scim_record_get_string (SCIM_RECORD (scim_window_get_user (window)), "login"));
      seen->path = g_strdup (scim_store_get_path (scim_window_get_store (window)));
    }
  else if (g_get_monotonic_time () < seen->deadline)
    return G_SOURCE_CONTINUE;
  /* Seen, or given up: the window goes, and the instance quits with it. */
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  return G_SOURCE_REMOVE;
}

static void
on_launch_window_added_cb (GtkApplication *application,
                           GtkWindow      *window,
                           LaunchSeen     *seen)
{
  if (!SCIM_IS_WINDOW (window) || seen->window != NULL)
    return;
  seen->window = SCIM_WINDOW (window);
  seen->deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_timeout_add (50, launch_poll_cb, seen);
}

static void
launch (const char * const *args,
        LaunchSeen         *seen)
{
  g_autoptr(ScimApplication) second = scim_application_new (G_APPLICATION_NON_UNIQUE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int status;

  static guint launches;
  g_autofree char *id = g_strdup_printf ("ru.scim.Sales.Launch%u", ++launches);

  /* The suite's own instance holds the application's object path on the
   * bus; a second instance in this process needs a path of its own. */
  g_application_set_application_id (G_APPLICATION (second), id);
  g_ptr_array_add (argv, (gpointer) "scim-sales");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_signal_connect (second, "window-added", G_CALLBACK (on_launch_window_added_cb), seen);
  status = g_application_run (G_APPLICATION (second), (int) argv->len - 1, (char **) argv->pdata);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (seen->window);
}

static void
test_command_line (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "command-line.db", NULL);
  g_autofree char *other = g_build_filename (tmpdir, "command-line-other.db", NULL);
  static const char *no_args[] = { NULL };
  LaunchSeen first = { 0 }, again = { 0 };

  run_cli ("--db", path, "demo", "--scale", "small", "--seed", "5", NULL);
  run_cli ("--db", other, "demo", "--scale", "small", "--seed", "6", NULL);
  {
    /* Someone else opened another file last: FILE wins over it. */
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_settings_set_string (settings, "last-file", other);
  }
  {
    const char *args[] = { "--user", "admin", path, NULL };
    launch (args, &first);
  }
  g_assert_cmpstr (first.login, ==, "admin");
  g_assert_cmpstr (first.path, ==, path);

  /* No file: the last database, signed in as its last user. */
  launch (no_args, &again);
  g_assert_cmpstr (again.path, ==, path);
  g_assert_cmpstr (again.login, ==, "admin");
  g_free (first.login);
  g_free (first.path);
  g_free (again.login);
  g_free (again.path);
}

/* Ctrl+? opens the shortcuts window, which lists the page shortcuts. */
static gboolean
shortcuts_shown (gpointer data)
{
  GtkWindow *found = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);

  return found != NULL && gtk_widget_get_mapped (GTK_WIDGET (found));
}

static void
test_shortcuts_window (void)
{
  ScimWindow *window = new_window ();
  g_auto(GStrv) actions = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), "<Control>question");
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();
  GtkWindow *shortcuts;
  gboolean lists_pages = FALSE;

  g_assert_cmpuint (g_strv_length (actions), ==, 1);
  g_assert_cmpstr (actions[0], ==, "win.show-help-overlay");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  wait_for (shortcuts_shown, NULL, "the shortcuts window");
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_ptr_array_add (pending, shortcuts);
  while (pending->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (pending, pending->len - 1);

      if (GTK_IS_SHORTCUTS_SHORTCUT (w))
        {
          g_autofree char *accel = NULL;

          g_object_get (w, "accelerator", &accel, NULL);
          lists_pages |= g_strcmp0 (accel, "<Control>1") == 0 || g_strcmp0 (accel, "<ctrl>1") == 0;
        }
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (pending, c);
    }
  g_assert_true (lists_pages);
  /* Every shortcut on one page that a 1280x800 screen holds. */
  {
    g_autoptr(GdkTexture) shot = save_png (GTK_WIDGET (shortcuts), "shortcuts.png");

    g_assert_cmpint (gdk_texture_get_height (shot), <=, 800);
  }
  gtk_window_destroy (shortcuts);
  destroy_window (window);
}

/* A mount that only pretends to lock: the file opens read-only, the window
 * says why, and nothing can be added. */
static gboolean
read_only_shown (gpointer data)
{
  return scim_window_get_read_only_reason (data) != NULL;
}

static void
test_read_only_on_unsafe_mount (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "share.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  ScimWindow *window;
  ScimSettingsPage *settings;

  run_cli ("--db", path, "demo", "--scale", "small", "--seed", "9", NULL);
  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));
  /* The mount's type as the store's detection would read it from
   * /proc/self/mountinfo: CIFS with byte-range locks off. */
  g_setenv ("SCIM_FORCE_FSTYPE", "cifs:nobrl", TRUE);
  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  wait_for (read_only_shown, window, "the read-only banner");
  g_assert_nonnull (strstr (scim_window_get_read_only_reason (window), "nobrl"));
  g_assert_true (scim_store_is_read_only (scim_window_get_store (window)));

  scim_window_set_page (window, "settings");
  settings = SCIM_SETTINGS_PAGE (scim_window_get_page_widget (window, "settings"));
  g_assert_false (gtk_widget_get_visible (scim_settings_page_get_add_button (settings, "clients")) &&
                  gtk_widget_get_sensitive (scim_settings_page_get_add_button (settings, "clients")));
  destroy_window (window);
  g_unsetenv ("SCIM_FORCE_FSTYPE");
  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
}

static gboolean
writable_open (gpointer data)
{
  ScimStore *store = scim_window_get_store (data);

  return store != NULL && !scim_store_is_read_only (store) && scim_window_get_read_only_reason (data) != NULL &&
         g_str_equal (scim_window_get_state (data), "work");
}

/* A mount that may fake locks opens read-only; the banner offers to trust
 * the folder, which asks first, reopens the file for writing, is
 * remembered for the next start, and can be taken back. */
static void
test_trust_folder (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "fuse-share.db", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *folder = g_path_get_dirname (path);
  g_auto(GStrv) trusted = NULL;
  ScimWindow *window;
  AdwMessageDialog *confirm;

  run_cli ("--db", path, "demo", "--scale", "small", "--seed", "9", NULL);
  g_setenv ("SCIM_FORCE_FSTYPE", "fuse.sshfs", TRUE);
  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  wait_for (read_only_shown, window, "the read-only banner");
  g_assert_nonnull (find_button (GTK_WIDGET (window), "_Trust This Folder…"));
  g_assert_true (gtk_widget_is_visible (find_button (GTK_WIDGET (window), "_Trust This Folder…")));

  /* Cancel changes nothing. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.trust-folder", NULL);
  confirm = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (confirm), "fuse.sshfs"));
  adw_message_dialog_response (confirm, "cancel");
  gtk_window_destroy (GTK_WINDOW (confirm));
  g_assert_true (scim_store_is_read_only (scim_window_get_store (window)));
  trusted = g_settings_get_strv (settings, "trusted-folders");
  g_assert_cmpuint (g_strv_length (trusted), ==, 0);
  g_clear_pointer (&trusted, g_strfreev);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.trust-folder", NULL);
  confirm = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (confirm, "trust");
  gtk_window_destroy (GTK_WINDOW (confirm));
  wait_for (writable_open, window, "the file open for writing");
  g_assert_true (scim_store_get_trusts_locks (scim_window_get_store (window)));
  g_assert_nonnull (strstr (scim_window_get_read_only_reason (window), "fuse.sshfs"));
  g_assert_true (gtk_widget_is_visible (find_button (GTK_WIDGET (window), "_Stop Trusting")));
  trusted = g_settings_get_strv (settings, "trusted-folders");
  g_assert_true (g_strv_contains ((const char * const *) trusted, folder));
  g_clear_pointer (&trusted, g_strfreev);
  {
    g_autoptr(GError) error = NULL;
    g_assert_cmpint (scim_store_add_user (scim_window_get_store (window), "trusted", NULL, NULL, SCIM_ROLE_SALES,
                                          FALSE, NULL, &error), >, 0);
    g_assert_no_error (error);
  }
  destroy_window (window);
  g_assert_cmpint (raw_count (path, "SELECT count(*) FROM users WHERE login = 'trusted'"), ==, 1);

  /* The next start remembers it; Stop Trusting makes it read-only again. */
  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_for (writable_open, window, "the file open for writing at once");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.distrust-folder", NULL);
  wait_state (window, "work");
  wait_for (read_only_shown, window, "the read-only banner again");
  g_assert_true (scim_store_is_read_only (scim_window_get_store (window)));
  trusted = g_settings_get_strv (settings, "trusted-folders");
  g_assert_cmpuint (g_strv_length (trusted), ==, 0);
  destroy_window (window);
  g_unsetenv ("SCIM_FORCE_FSTYPE");
}

/* Another user's change reaches an open window by itself (the store polls
 * the file about once a second): a lead rejected from the command line
 * shows as rejected in the open table, and the selection stays. */
typedef struct
{
  GListModel *model;
  gint64      id;
} LeadWait;

static gboolean
lead_rejected (gpointer data)
{
  LeadWait *wait = data;

  for (guint i = 0; i < g_list_model_get_n_items (wait->model); i++)
    {
      g_autoptr(ScimRecord) lead = g_list_model_get_item (wait->model, i);

      if (scim_record_get_id (lead) == wait->id)
        return g_strcmp0 (scim_record_get_string (lead, "state"), "rejected") == 0;
    }
  return FALSE;
}


static gboolean
import_dialog_shown (gpointer data)
{
  return find_toplevel (SCIM_TYPE_IMPORT_DIALOG) != NULL;
}

static gboolean
import_previewed (gpointer data)
{
  return scim_import_dialog_get_n_columns (data) > 0;
}

static gboolean
import_owners_asked (gpointer data)
{
  return !scim_import_dialog_get_importing (data) && scim_import_dialog_get_n_owners (data) > 0;
}

static gboolean
import_finished (gpointer data)
{
  return scim_import_dialog_get_done (data);
}

/* A Bitrix24 export whose owners are no users here: the dialog asks about
 * each before anything is written, imports the rest with the owners
 * chosen, skips the bad rows, says so, and saves them to a file. */
static void
test_import_owners_step (void)
{
  g_autofree char *path = demo_copy ("import-owners.db");
  g_autofree char *csv = g_test_build_filename (G_TEST_DIST, "fixtures", "crm", "bitrix24-leads.csv", NULL);
  g_autofree char *refused_path = g_build_filename (tmpdir, "bitrix24-refused.csv", NULL);
  g_autofree char *refused = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (csv);
  g_autoptr(GFile) refused_file = g_file_new_for_path (refused_path);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  ScimWindow *window;
  ScimLeadsPage *page;
  ScimImportDialog *dialog;
  AdwComboRow *anna;
  const ScimImportReport *report;
  GtkWidget *button;
  gint64 chosen;
  g_autofree char *sql = NULL;

  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  scim_window_set_page (window, "leads");
  page = SCIM_LEADS_PAGE (scim_window_get_page_widget (window, "leads"));
  wait_for (leads_page_ready, page, "the leads");

  button = find_button (GTK_WIDGET (page), _("_Import…"));
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  wait_for (import_dialog_shown, NULL, "the import dialog");
  dialog = SCIM_IMPORT_DIALOG (find_toplevel (SCIM_TYPE_IMPORT_DIALOG));
  scim_import_dialog_set_file (dialog, file);
  wait_for (import_previewed, dialog, "the columns of the file");
  g_assert_cmpuint (scim_import_dialog_get_n_columns (dialog), ==, 13);

  /* Import: first the owners, nothing written yet. */
  scim_edit_dialog_save (SCIM_EDIT_DIALOG (dialog));
  wait_for (import_owners_asked, dialog, "the owners step");
  g_assert_cmpuint (scim_import_dialog_get_n_owners (dialog), ==, 3);
  g_assert_cmpint (raw_count (path, "SELECT count(*) FROM leads WHERE source_id != ''"), ==, 0);
  anna = scim_import_dialog_get_owner_row (dialog, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (anna)), ==, "Иванова Анна");
  /* "Leave unassigned" first; choose the first user for her. */
  g_assert_cmpuint (adw_combo_row_get_selected (anna), ==, 0);
  g_assert_cmpint (scim_edit_dialog_get_record_id (anna), ==, 0);
  adw_combo_row_set_selected (anna, 1);
  chosen = scim_edit_dialog_get_record_id (anna);
  g_assert_cmpint (chosen, >, 0);
  wait_drawn (GTK_WIDGET (dialog), "the import dialog with its owners");
  g_object_unref (save_png (GTK_WIDGET (dialog), "import-owners.png"));

  scim_edit_dialog_save (SCIM_EDIT_DIALOG (dialog));
  wait_for (import_finished, dialog, "the import");
  report = scim_import_dialog_get_report (dialog);
  g_assert_cmpuint (report->created, ==, 3);
  g_assert_cmpuint (report->refused->len, ==, 2);
  sql = g_strdup_printf ("SELECT count(*) FROM leads WHERE source_id = '101' AND source_owner = 'Иванова Анна' "
                         "AND owner_id = %" G_GINT64_FORMAT, chosen);
  g_assert_cmpint (raw_count (path, sql), ==, 1);
  g_assert_cmpint (raw_count (path, "SELECT count(*) FROM leads WHERE source_id IN ('102', '103') "
                                    "AND owner_id IS NULL AND state = 'new'"), ==, 2);
  /* The dialog stays to say so, and saves the refused rows to fix. */
  g_assert_false (scim_edit_dialog_get_editable (SCIM_EDIT_DIALOG (dialog)));
  g_assert_true (scim_import_dialog_write_refused (dialog, refused_file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (refused_path, &refused, NULL, NULL));
  lines = g_strsplit (refused, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_true (g_str_has_prefix (lines[0], "ID,Название лида,Имя,Фамилия"));
  g_assert_true (g_str_has_prefix (lines[1], "104,"));
  g_assert_nonnull (strstr (lines[2], "31.02.2026"));
  g_assert_cmpstr (lines[3], ==, "");

  gtk_window_destroy (GTK_WINDOW (dialog));
  destroy_window (window);
}

static gboolean
duplicates_loaded (gpointer data)
{
  return scim_lead_dialog_get_duplicates (data) != NULL;
}

/* Two leads with one phone written two ways: the Leads table marks both,
 * the card lists the other, and Merge leaves one lead with both contacts. */
static void
test_lead_card_merges_duplicate (void)
{
  g_autofree char *path = demo_copy ("merge.db");
  g_autoptr(ScimRecord) first = NULL;
  g_autoptr(ScimRecord) second = NULL;
  g_autoptr(ScimRecord) other = NULL;
  GListModel *leads;
  ScimWindow *window;
  ScimLeadsPage *page;
  ScimLeadDialog *card;
  GListModel *dups;
  g_autofree char *sql = NULL;
  gint64 keep, drop;

  /* Newest first: these two head the table.  Written past the store, so
   * with the key it writes (schema 11). */
  raw_exec (path, "INSERT INTO leads (name, phone, phone_key, received_at, created_at) VALUES "
                  "('Дубль Первый', '+7 (911) 222-33-44', '9112223344', unixepoch() + 86400, unixepoch()), "
                  "('Дубль Второй', '8 911 222 33 44', '9112223344', unixepoch() + 2 * 86400, unixepoch())");

  window = new_window ();
  scim_window_open_file (window, path, "head");
  wait_state (window, "work");
  scim_window_set_page (window, "leads");
  page = SCIM_LEADS_PAGE (scim_window_get_page_widget (window, "leads"));
  wait_for (leads_page_ready, page, "the leads");
  leads = scim_leads_page_get_model (page);
  first = g_list_model_get_item (leads, 0);
  second = g_list_model_get_item (leads, 1);
  g_assert_cmpstr (scim_record_get_string (first, "name"), ==, "Дубль Второй");
  g_assert_cmpint (scim_record_get_int (first, "duplicates"), ==, 1);
  g_assert_cmpint (scim_record_get_int (second, "duplicates"), ==, 1);
  keep = scim_record_get_id (first);
  drop = scim_record_get_id (second);

  scim_record_table_activate (SCIM_RECORD_TABLE (scim_leads_page_get_table (page)), 0);
  wait_for (lead_dialog_shown, NULL, "the lead card");
  card = SCIM_LEAD_DIALOG (find_toplevel (SCIM_TYPE_LEAD_DIALOG));
  wait_for (duplicates_loaded, card, "the likely duplicates");
  dups = scim_lead_dialog_get_duplicates (card);
  g_assert_cmpuint (g_list_model_get_n_items (dups), ==, 1);
  other = g_list_model_get_item (dups, 0);
  g_assert_cmpint (scim_record_get_id (other), ==, drop);
  wait_drawn (GTK_WIDGET (card), "the lead card with its duplicate");
  g_object_unref (save_png (GTK_WIDGET (card), "lead-card-duplicates.png"));

  scim_lead_dialog_merge (card, drop);
  wait_closed (card, "the card after the merge");
  sql = g_strdup_printf ("SELECT count(*) FROM leads WHERE id = %" G_GINT64_FORMAT " AND name = 'Дубль Второй' "
                         "AND phone = '8 911 222 33 44' AND received_at < unixepoch() + 2 * 86400 - 3600", keep);
  g_assert_cmpint (raw_count (path, sql), ==, 1);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM leads WHERE id = %" G_GINT64_FORMAT, drop);
  g_assert_cmpint (raw_count (path, sql), ==, 0);
  destroy_window (window);
}

static gboolean
adjustment_ready (gpointer data)
{
  return gtk_adjustment_get_upper (data) > 3 * gtk_adjustment_get_page_size (data);
}

static void
test_others_changes_appear (void)
{
  g_autofree char *path = demo_database ();
  ScimWindow *window = new_window ();
  ScimLeadsPage *page;
  ScimRecordTable *table;
  GtkColumnView *view;
  GListModel *leads;
  g_autoptr(GArray) selected = NULL;
  g_autofree char *id_text = NULL;
  LeadWait wait = { 0 };
  guint position = G_MAXUINT;

  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  scim_window_set_page (window, "leads");
  page = SCIM_LEADS_PAGE (scim_window_get_page_widget (window, "leads"));
  wait_for (leads_page_ready, page, "the leads");
  leads = scim_leads_page_get_model (page);
  for (guint i = 0; i < g_list_model_get_n_items (leads) && position == G_MAXUINT; i++)
    {
      g_autoptr(ScimRecord) lead = g_list_model_get_item (leads, i);

      if (g_strcmp0 (scim_record_get_string (lead, "state"), "new") == 0)
        {
          position = i;
          wait.id = scim_record_get_id (lead);
        }
    }
  g_assert_cmpuint (position, !=, G_MAXUINT);

  table = SCIM_RECORD_TABLE (scim_leads_page_get_table (page));
  view = GTK_COLUMN_VIEW (find_child (GTK_WIDGET (table), GTK_TYPE_COLUMN_VIEW));
  g_assert_true (gtk_selection_model_select_item (gtk_column_view_get_model (view), position, TRUE));

  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, wait.id);
  run_cli ("--db", path, "--user", "admin", "leads", "reject", id_text, "--reason", "Another office took it", NULL);
  wait.model = leads;
  wait_for (lead_rejected, &wait, "the other process's rejection in the open table");

  selected = scim_record_table_get_selected_ids (table);
  g_assert_cmpuint (selected->len, ==, 1);
  g_assert_cmpint (g_array_index (selected, gint64, 0), ==, wait.id);
  g_clear_pointer (&selected, g_array_unref);

  /* A lead added elsewhere lands on top: the selection stays on its lead,
   * and the table is not scrolled back to the start. */
  {
    g_autofree char *csv = g_build_filename (tmpdir, "one-more-lead.csv", NULL);
    GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
    CountWait grown = { leads, g_list_model_get_n_items (leads) + 1 };
    double scrolled;

    g_assert_true (g_file_set_contents (csv, "Name;Phone\nЛидия Новикова;+7 900 111-22-33\n", -1, NULL));
    wait_for (adjustment_ready, vadjustment, "the table's scroll range");
    gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment) / 3);
    scrolled = gtk_adjustment_get_value (vadjustment);
    g_assert_cmpfloat (scrolled, >, 0);
    run_cli ("--db", path, "--user", "admin", "import", "leads", csv, NULL);
    wait_for (count_reached, &grown, "the other process's new lead in the open table");
    {
      g_autoptr(ScimRecord) top = g_list_model_get_item (leads, 0);
      g_assert_cmpint (scim_record_get_id (top), !=, wait.id);
    }
    selected = scim_record_table_get_selected_ids (table);
    g_assert_cmpuint (selected->len, ==, 1);
    g_assert_cmpint (g_array_index (selected, gint64, 0), ==, wait.id);
    g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >=, scrolled - 1);
  }
  destroy_window (window);
}

/* A hidden page's tables give their row widgets back (GTK keeps 200 rows
 * of every list view otherwise) and get them again, with the selection and
 * the scroll position, when the page is shown. */
static guint
count_labels (GtkWidget *root)
{
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();
  guint n = 0;

  g_ptr_array_add (pending, root);
  while (pending->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (pending, pending->len - 1);

      n += GTK_IS_LABEL (w);
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (pending, c);
    }
  return n;
}

static gboolean
rows_built (gpointer data)
{
  return gtk_widget_get_mapped (data) && count_labels (data) > 40;
}

static gboolean
widget_unmapped (gpointer data)
{
  return !gtk_widget_get_mapped (data);
}

typedef struct
{
  GtkWidget *view;
  double     value;
} ScrollWait;

static gboolean
scrolled_back (gpointer data)
{
  ScrollWait *wait = data;
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (wait->view));

  return rows_built (wait->view) && fabs (gtk_adjustment_get_value (vadjustment) - wait->value) < 1;
}

static void
test_hidden_page_rows (void)
{
  g_autofree char *path = demo_database ();
  ScimWindow *window = new_window ();
  ScimLeadsPage *page;
  ScimRecordTable *table;
  GtkWidget *view;
  GtkSelectionModel *selection;
  GtkAdjustment *vadjustment;
  g_autoptr(GArray) chosen = NULL;
  g_autoptr(GArray) selected = NULL;
  ScrollWait wait;
  guint header_labels;

  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  scim_window_set_page (window, "leads");
  page = SCIM_LEADS_PAGE (scim_window_get_page_widget (window, "leads"));
  wait_for (leads_page_ready, page, "the leads");
  table = SCIM_RECORD_TABLE (scim_leads_page_get_table (page));
  view = find_child (GTK_WIDGET (table), GTK_TYPE_COLUMN_VIEW);
  wait_for (rows_built, view, "the leads table's rows");

  selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (view));
  g_assert_nonnull (selection);
  g_object_ref (selection);
  g_assert_true (gtk_selection_model_select_item (selection, 2, TRUE));
  chosen = scim_record_table_get_selected_ids (table);
  g_assert_cmpuint (chosen->len, ==, 1);
  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  wait_for (adjustment_ready, vadjustment, "the table's scroll range");
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment) / 3);
  wait.view = view;
  wait.value = gtk_adjustment_get_value (vadjustment);
  g_assert_cmpfloat (wait.value, >, 0);

  /* Another page: the rows go, the model and its selection are kept. */
  scim_window_set_page (window, "control");
  wait_for (widget_unmapped, view, "the leads table hidden");
  g_assert_null (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)));
  header_labels = count_labels (view);
  g_test_message ("%u labels in the hidden table", header_labels);
  g_assert_cmpuint (header_labels, <=, 2 * g_list_model_get_n_items (gtk_column_view_get_columns (GTK_COLUMN_VIEW (view))));
  selected = scim_record_table_get_selected_ids (table);
  g_assert_cmpuint (selected->len, ==, 1);
  g_assert_cmpint (g_array_index (selected, gint64, 0), ==, g_array_index (chosen, gint64, 0));
  g_clear_pointer (&selected, g_array_unref);

  /* Back: the same rows, selection and place. */
  scim_window_set_page (window, "leads");
  wait_for (scrolled_back, &wait, "the leads table's rows back at their place");
  g_assert_true (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)) == selection);
  g_assert_true (gtk_selection_model_is_selected (selection, 2));
  selected = scim_record_table_get_selected_ids (table);
  g_assert_cmpuint (selected->len, ==, 1);
  g_assert_cmpint (g_array_index (selected, gint64, 0), ==, g_array_index (chosen, gint64, 0));
  g_object_unref (selection);
  destroy_window (window);
}

/* A team of sixty: a card each in the control page's discipline strip,
 * which scrolls instead of making the window taller than the screen. */
static gboolean
discipline_cards_shown (gpointer data)
{
  GtkWidget *box = find_child (data, GTK_TYPE_FLOW_BOX);
  guint n = 0;

  if (box == NULL || !gtk_widget_get_mapped (box))
    return FALSE;
  for (GtkWidget *c = gtk_widget_get_first_child (box); c != NULL; c = gtk_widget_get_next_sibling (c))
    n++;
  return n >= 60;
}

static void
test_control_team_of_sixty (void)
{
  g_autofree char *path = demo_database ();
  g_autoptr(GString) sql = g_string_new ("INSERT INTO users (login, full_name, role, created_at) VALUES ");
  ScimWindow *window;
  GtkWidget *page, *scroller;

  for (int i = 0; i < 60; i++)
    g_string_append_printf (sql, "%s('seller%d', 'Продавец %d', 'sales', 1767225600)", i > 0 ? ", " : "", i, i);
  raw_exec (path, sql->str);

  window = new_window ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  scim_window_set_page (window, "control");
  page = scim_window_get_page_widget (window, "control");
  wait_for (discipline_cards_shown, page, "a discipline card for each of sixty salespeople");
  wait_drawn (GTK_WIDGET (window), "the control page with sixty cards");

  scroller = gtk_widget_get_ancestor (find_child (page, GTK_TYPE_FLOW_BOX), GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scroller);
  g_test_message ("window %dx%d, cards %d px high", gtk_widget_get_width (GTK_WIDGET (window)),
                  gtk_widget_get_height (GTK_WIDGET (window)), gtk_widget_get_height (scroller));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), <=, 800);
  g_assert_cmpint (gtk_widget_get_height (scroller), <=, 300);
  /* The tasks below keep most of the page. */
  {
    g_autoptr(GPtrArray) pending = g_ptr_array_new ();
    GtkWidget *tasks = NULL;

    g_ptr_array_add (pending, page);
    while (pending->len > 0 && tasks == NULL)
      {
        GtkWidget *w = g_ptr_array_steal_index (pending, 0);

        if (SCIM_IS_RECORD_TABLE (w) && gtk_widget_get_mapped (w))
          tasks = w;
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (pending, c);
      }
    g_assert_nonnull (tasks);
    g_assert_cmpint (gtk_widget_get_height (tasks), >=, 300);
  }
  destroy_window (window);
}

/* Desktop notifications: a real notification server on the private bus,
 * python3-dbusmock's notification_daemon, started for the whole run when
 * the session has none, so that GNotification has someone to talk to. */
static GSubprocess *notification_server;

static gboolean
bus_name_has_owner (const char *name)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  if (bus == NULL)
    return FALSE;
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "NameHasOwner", g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static gboolean
notification_server_up (gpointer data)
{
  return bus_name_has_owner ("org.freedesktop.Notifications");
}

static gboolean
ensure_notification_server (void)
{
  g_autoptr(GError) error = NULL;

  if (bus_name_has_owner ("org.freedesktop.Notifications"))
    return TRUE;
  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  notification_server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                          &error, "/usr/bin/python3", "-m", "dbusmock", "--template",
                                          "notification_daemon", NULL);
  if (notification_server == NULL)
    return FALSE;
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while (!notification_server_up (NULL) && g_get_monotonic_time () < deadline &&
           g_subprocess_get_identifier (notification_server) != NULL)
      g_usleep (50 * 1000);   /* before the main loop exists; a bounded poll of the bus */
  }
  return notification_server_up (NULL);
}

/* The Notify calls the mock server received: (summary, body, actions). */
static GPtrArray *
notify_calls (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) calls = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  GVariantIter iter;
  GVariant *args;
  guint64 when;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                                       "org.freedesktop.DBus.Mock", "GetMethodCalls", g_variant_new ("(s)", "Notify"),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, NULL);
  if (reply == NULL)
    return found;
  calls = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, calls);
  while (g_variant_iter_next (&iter, "(t@av)", &when, &args))
    {
      g_autoptr(GVariant) owned = args;
      g_autoptr(GVariant) summary = NULL;
      g_autoptr(GVariant) body = NULL;
      g_autoptr(GVariant) actions = NULL;
      g_autofree char *action_text = NULL;
      g_autofree const char **action_list = NULL;

      if (g_variant_n_children (args) < 7)
        continue;
      summary = g_variant_get_variant (g_variant_get_child_value (args, 3));
      body = g_variant_get_variant (g_variant_get_child_value (args, 4));
      actions = g_variant_get_variant (g_variant_get_child_value (args, 5));
      action_list = g_variant_get_strv (actions, NULL);
      action_text = g_strjoinv ("|", (char **) action_list);
      g_ptr_array_add (found, g_strdup_printf ("%s\n%s\n%s", g_variant_get_string (summary, NULL),
                                               g_variant_get_string (body, NULL), action_text));
    }
  return found;
}

static void
clear_notify_calls (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                                       "org.freedesktop.DBus.Mock", "ClearCalls", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                       10000, NULL, NULL);
}

typedef struct
{
  ScimAlertsButton *button;
  guint             refreshes;
} RefreshWait;

static gboolean
alerts_refreshed (gpointer data)
{
  RefreshWait *wait = data;

  return scim_alerts_button_get_refreshes (wait->button) > wait->refreshes;
}

static gboolean
notify_calls_at_least (gpointer data)
{
  g_autoptr(GPtrArray) calls = notify_calls ();

  return calls->len >= GPOINTER_TO_UINT (data);
}

static gboolean
alert_marks_written (gpointer data)
{
  const char *path = data;

  return raw_count (path, "SELECT count(*) FROM alert_marks WHERE delivered_at IS NOT NULL") > 0;
}

/* Started on a file with overdue tasks, the app sends one summary
 * notification with the right text and actions in its first minute (the
 * first check runs at sign-in), marks what it showed in the file, and
 * started again does not repeat it; the header counts the unread ones and
 * Mark All Read reads them everywhere. */
static void
test_alerts_notify_once (void)
{
  g_autofree char *path = demo_copy ("alerts.db");
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GPtrArray) again = NULL;
  ScimWindow *window;
  ScimAlertsButton *button;
  RefreshWait wait;
  GPtrArray *alerts;
  guint overdue = 0, n_first;
  g_autofree char *expected = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GString) keys = g_string_new (NULL);
  gint64 marked;

  if (!have_tool (notification_server_up (NULL), "a notification server (python3-dbusmock)"))
    return;
  /* Nothing on the edge of a change while the test runs: tasks due within
   * two hours of now, events planned within them and sales about to turn
   * idle are moved away, so the alerts stay the same for minutes. */
  raw_exec (path, "UPDATE tasks SET due_at = unixepoch() - 3 * 3600 WHERE due_has_time = 1 "
                  "AND due_at BETWEEN unixepoch() - 2 * 3600 AND unixepoch() + 2 * 3600; "
                  "UPDATE events SET at = unixepoch() + 3 * 3600 WHERE at BETWEEN unixepoch() - 60 AND unixepoch() + 2 * 3600; "
                  "UPDATE sales SET last_activity_at = unixepoch() - 15 * 86400 WHERE closed_at IS NULL "
                  "AND last_activity_at BETWEEN unixepoch() - 14 * 86400 - 7200 AND unixepoch() - 14 * 86400 + 7200; "
                  /* and one change that always happens, for raw_exec's check */
                  "UPDATE users SET version = version WHERE login = 'sales1'");
  clear_notify_calls ();

  window = new_window ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  scim_window_open_file (window, path, "sales1");
  wait_state (window, "work");
  button = scim_window_get_alerts_button (window);
  wait = (RefreshWait) { button, 0 };
  wait_for (alerts_refreshed, &wait, "the first check of the alerts");
  alerts = scim_alerts_button_get_alerts (button);
  g_assert_cmpuint (alerts->len, >, 3);
  for (guint i = 0; i < alerts->len; i++)
    {
      ScimAlert *alert = g_ptr_array_index (alerts, i);

      overdue += alert->kind == SCIM_ALERT_TASK_OVERDUE;
      g_string_append_printf (keys, "%s'%s'", i > 0 ? ", " : "", alert->key);
    }
  n_first = alerts->len;
  g_assert_cmpuint (overdue, >, 0);
  g_assert_cmpuint (scim_alerts_button_get_unread (button), ==, alerts->len);

  /* One summary, never a flood. */
  wait_for (notify_calls_at_least, GUINT_TO_POINTER (1), "the summary notification");
  wait_for (alert_marks_written, path, "the delivery marks in the file");
  calls = notify_calls ();
  g_assert_cmpuint (calls->len, ==, 1);
  expected = g_strdup_printf ("%u tasks overdue", overdue);
  g_test_message ("Notify: %s", (char *) g_ptr_array_index (calls, 0));
  g_assert_nonnull (strstr (g_ptr_array_index (calls, 0), expected));
  g_assert_nonnull (strstr (g_ptr_array_index (calls, 0), "Show Alerts"));
  /* Every alert of the first check is marked shown (a later check may
   * find one more as the clock moves on). */
  sql = g_strdup_printf ("SELECT count(*) FROM alert_marks WHERE delivered_at IS NOT NULL AND alert_key IN (%s)",
                         keys->str);
  marked = raw_count (path, sql);
  g_assert_cmpint (marked, ==, n_first);

  /* The header and its list. */
  wait_drawn (scim_window_get_page_widget (window, scim_window_get_page (window)), "the page under the alerts");
  scim_alerts_button_popup (button);
  g_object_unref (save_png (scim_alerts_button_get_popover (button), "alerts.png"));
  /* Closed before its window goes: a popover that maps under the pointer
   * starts a tooltip timer that must not outlive its surface. */
  gtk_popover_popdown (GTK_POPOVER (scim_alerts_button_get_popover (button)));
  destroy_window (window);

  /* Started again: nothing new, nothing shown. */
  window = new_window ();
  scim_window_open_file (window, path, "sales1");
  wait_state (window, "work");
  button = scim_window_get_alerts_button (window);
  wait = (RefreshWait) { button, 0 };
  wait_for (alerts_refreshed, &wait, "the check after the restart");
  g_assert_cmpuint (scim_alerts_button_get_notified (button), ==, 0);
  again = notify_calls ();
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_cmpuint (scim_alerts_button_get_unread (button), >, 0);

  /* One marked read by its dot in the list: one less, read in the file. */
  {
    guint unread = scim_alerts_button_get_unread (button);
    ScimAlert *first = g_ptr_array_index (scim_alerts_button_get_alerts (button), 0);
    g_autofree char *key = g_strdup (first->key);
    g_autofree char *one = g_strdup_printf ("SELECT count(*) FROM alert_marks WHERE read_at IS NOT NULL "
                                            "AND alert_key = '%s'", key);

    g_assert_cmpint (first->read_at, ==, 0);
    scim_alerts_button_popup (button);
    wait_drawn (scim_alerts_button_get_popover (button), "the alerts list");
    wait = (RefreshWait) { button, scim_alerts_button_get_refreshes (button) };
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (button), "alerts.mark-read", "s", key));
    wait_for (alerts_refreshed, &wait, "the alerts after one is marked read");
    g_assert_cmpuint (scim_alerts_button_get_unread (button), ==, unread - 1);
    g_assert_cmpint (raw_count (path, one), ==, 1);
    gtk_popover_popdown (GTK_POPOVER (scim_alerts_button_get_popover (button)));
  }

  /* Mark All Read: read in the file, and the count goes. */
  wait = (RefreshWait) { button, scim_alerts_button_get_refreshes (button) };
  scim_alerts_button_mark_all_read (button);
  wait_for (alerts_refreshed, &wait, "the alerts after Mark All Read");
  g_assert_cmpuint (scim_alerts_button_get_unread (button), ==, 0);
  g_assert_cmpint (raw_count (path, "SELECT count(*) FROM alert_marks WHERE read_at IS NOT NULL"), ==,
                   scim_alerts_button_get_alerts (button)->len);
  destroy_window (window);
}

typedef struct
{
  ScimAlertsButton *button;
  guint             sent;
} MailWait;

static gboolean
mail_failed (gpointer data)
{
  return scim_alerts_button_get_mail_failed (data);
}

static gboolean
mail_sent (gpointer data)
{
  MailWait *wait = data;

  return scim_alerts_button_get_mails_sent (wait->button) > wait->sent;
}

/* Alerts mailed from the app: the server is down at first (shown once,
 * nothing marked mailed), then up: the same alerts arrive, marked mailed
 * only then; the next check mails nothing twice. */
static void
test_alerts_mail (void)
{
  g_autofree char *path = demo_copy ("alerts-mail.db");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) got = NULL;
  ScimWindow *window;
  ScimAlertsButton *button;
  Server server = { 0 };
  MailWait wait;
  RefreshWait refreshed;
  guint port;

  if (!have_tool (have_aiosmtpd (), "python3-aiosmtpd"))
    return;
  port = free_port ();
  g_settings_set_boolean (settings, "mail-enabled", TRUE);
  g_settings_set_string (settings, "smtp-host", "127.0.0.1");
  g_settings_set_int (settings, "smtp-port", (int) port);
  g_settings_set_string (settings, "smtp-security", "plain");
  g_settings_set_string (settings, "smtp-user", "");
  g_settings_set_int (settings, "digest-time", -60);

  window = new_window ();
  scim_window_open_file (window, path, "sales1");
  wait_state (window, "work");
  button = scim_window_get_alerts_button (window);
  wait_for (mail_failed, button, "the first mail to fail: no server yet");
  g_assert_cmpint (raw_count (path, "SELECT count(*) FROM alert_marks WHERE mailed_at IS NOT NULL"), ==, 0);

  g_assert_true (server_start (&server, tmpdir, port, NULL, NULL));
  wait = (MailWait) { button, scim_alerts_button_get_mails_sent (button) };
  scim_alerts_button_retry_mail (button);
  wait_for (mail_sent, &wait, "the mail once the server is up");
  got = messages (&server);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (got, 0), "X-RcptTo: r.hall@example.com"));
  g_assert_nonnull (strstr (g_ptr_array_index (got, 0), "Subject: SCIM Sales: "));
  g_assert_cmpint (raw_count (path, "SELECT count(*) FROM alert_marks WHERE mailed_at IS NOT NULL"), >, 0);

  /* Checked again: nothing new, nothing mailed twice. */
  refreshed = (RefreshWait) { button, scim_alerts_button_get_refreshes (button) };
  scim_alerts_button_refresh (button);
  wait_for (alerts_refreshed, &refreshed, "another check");
  g_clear_pointer (&got, g_ptr_array_unref);
  got = messages (&server);
  g_assert_cmpuint (got->len, ==, 1);

  g_settings_reset (settings, "mail-enabled");
  g_settings_reset (settings, "smtp-host");
  g_settings_reset (settings, "smtp-port");
  g_settings_reset (settings, "smtp-security");
  g_settings_reset (settings, "digest-time");
  destroy_window (window);
  server_stop (&server);
}

static gboolean
preferences_keyring_idle (gpointer data)
{
  return !scim_preferences_get_keyring_busy (data);
}

/* The SMTP password typed in Preferences goes to the keyring, and nowhere
 * in GSettings. */
static void
test_preferences_password (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  ScimPreferences *preferences;

  if (!have_tool (g_getenv ("SCIM_TEST_KEYRING") != NULL, "an unlocked gnome-keyring (run under the suite's session)"))
    return;
  g_settings_set_string (settings, "smtp-host", "smtp.firm.ru");
  g_settings_set_string (settings, "smtp-user", "sales1");
  preferences = scim_preferences_new (NULL);
  wait_drawn (GTK_WIDGET (preferences), "the preferences");
  g_object_unref (save_png (GTK_WIDGET (preferences), "preferences.png"));
  scim_preferences_set_password_text (preferences, "Mail-Секрет-42");
  scim_preferences_save_password (preferences);
  wait_for (preferences_keyring_idle, preferences, "the keyring to take the password");
  found = scim_mail_lookup_password ("smtp.firm.ru", "sales1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "Mail-Секрет-42");

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      g_assert_null (strstr (text, "Секрет"));
    }
  gtk_window_destroy (GTK_WINDOW (preferences));
  g_assert_true (scim_mail_store_password ("smtp.firm.ru", "sales1", "", NULL, &error));
  g_settings_reset (settings, "smtp-host");
  g_settings_reset (settings, "smtp-user");
}

/* Start at login */

static char *config_dir;

static gboolean
autostart_idle (gpointer data)
{
  return !scim_preferences_get_autostart_busy (data);
}

static gboolean
portal_up (gpointer data)
{
  return bus_name_has_owner ("org.freedesktop.portal.Desktop");
}

static gboolean
portal_down (gpointer data)
{
  return !portal_up (NULL);
}

static void
flip_autostart (ScimPreferences *preferences,
                gboolean         enable)
{
  scim_preferences_set_autostart (preferences, enable);
  wait_for (autostart_idle, preferences, "the start at login to be set");
}

static void
test_preferences_autostart (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *entry_path = NULL;
  g_autofree char *record = g_build_filename (tmpdir, "portal", "calls.jsonl", NULL);
  g_autofree char *deny = g_build_filename (tmpdir, "portal", "DENY", NULL);
  g_autofree char *calls = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "portal-background.py", NULL);
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) portal = NULL;
  g_autofree char *exec = NULL;
  g_auto(GStrv) argv = NULL;
  ScimPreferences *preferences;

  /* Outside a sandbox: an XDG autostart entry in the config folder. */
  g_unsetenv ("SCIM_AUTOSTART_PORTAL");
  entry_path = scim_autostart_get_desktop_path ();
  g_assert_true (g_str_has_prefix (entry_path, g_get_user_config_dir ()));
  g_assert_false (g_file_test (entry_path, G_FILE_TEST_EXISTS));
  g_settings_set_boolean (settings, "run-in-background", FALSE);
  preferences = scim_preferences_new (NULL);
  wait_drawn (GTK_WIDGET (preferences), "the preferences");
  g_assert_false (scim_preferences_get_autostart (preferences));
  flip_autostart (preferences, TRUE);
  g_assert_true (scim_preferences_get_autostart (preferences));
  g_assert_true (g_key_file_load_from_file (entry, entry_path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  exec = g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, &error);
  g_assert_no_error (error);
  g_assert_true (g_shell_parse_argv (exec, NULL, &argv, &error));
  g_assert_cmpuint (g_strv_length (argv), ==, 2);
  g_assert_true (g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE) || g_find_program_in_path (argv[0]) != NULL);
  g_assert_cmpstr (argv[1], ==, "--background");
  g_assert_true (g_settings_get_boolean (settings, "autostart"));
  g_assert_true (g_settings_get_boolean (settings, "run-in-background"));
  gtk_window_destroy (GTK_WINDOW (preferences));

  /* Read back from the file, and turned off: the entry goes. */
  preferences = scim_preferences_new (NULL);
  wait_drawn (GTK_WIDGET (preferences), "the preferences again");
  g_assert_true (scim_preferences_get_autostart (preferences));
  flip_autostart (preferences, FALSE);
  g_assert_false (g_file_test (entry_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_settings_get_boolean (settings, "autostart"));
  gtk_window_destroy (GTK_WINDOW (preferences));

  /* Inside Flatpak: the Background portal, which may refuse. */
  if (!have_tool (g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE), "python3 with python3-dbus"))
    return;
  g_setenv ("SCIM_AUTOSTART_PORTAL", "1", TRUE);
  {
    g_autofree char *folder = g_path_get_dirname (record);
    g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  }
  portal = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "/usr/bin/python3", script, record, NULL);
  g_assert_no_error (error);
  wait_for (portal_up, NULL, "the background portal stand-in on the bus");
  preferences = scim_preferences_new (NULL);
  wait_drawn (GTK_WIDGET (preferences), "the preferences, sandboxed");
  g_assert_false (scim_preferences_get_autostart (preferences));
  flip_autostart (preferences, TRUE);
  g_assert_true (scim_preferences_get_autostart (preferences));
  g_assert_true (g_settings_get_boolean (settings, "autostart"));
  g_assert_false (g_file_test (entry_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (record, &calls, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (calls, "\"autostart\": true"));
  g_assert_nonnull (strstr (calls, "\"commandline\": [\"scim-sales\", \"--background\"]"));
  g_assert_nonnull (strstr (calls, "\"reason\": \""));

  /* The user says no: the switch goes back and says why. */
  flip_autostart (preferences, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "autostart"));
  g_assert_true (g_file_set_contents (deny, "", 0, &error));
  flip_autostart (preferences, TRUE);
  g_assert_false (scim_preferences_get_autostart (preferences));
  g_assert_false (g_settings_get_boolean (settings, "autostart"));
  g_assert_nonnull (strstr (scim_preferences_get_autostart_status (preferences), "Settings → Apps"));

  /* No portal at all: a clear message, nothing set. */
  g_subprocess_force_exit (portal);
  g_subprocess_wait (portal, NULL, NULL);
  wait_for (portal_down, NULL, "the portal stand-in to leave the bus");
  flip_autostart (preferences, TRUE);
  g_assert_false (scim_preferences_get_autostart (preferences));
  g_assert_nonnull (strstr (scim_preferences_get_autostart_status (preferences), "no background portal"));
  gtk_window_destroy (GTK_WINDOW (preferences));

  g_unsetenv ("SCIM_AUTOSTART_PORTAL");
  g_settings_reset (settings, "autostart");
  g_settings_reset (settings, "run-in-background");
}

static gboolean
window_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

/* Started at login: hidden once signed in, the alerts checked; brought up
 * by a launch; shown at once when it needs the user. */
static void
test_background_start (void)
{
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-folder", "gone.db", NULL);
  g_autofree char *path = demo_copy ("background.db");
  GtkWindow *window;
  ScimAlertsButton *button;
  RefreshWait wait;

  window = scim_application_open_hidden (app, path, "sales1");
  wait_state (SCIM_WINDOW (window), "work");
  button = scim_window_get_alerts_button (SCIM_WINDOW (window));
  wait = (RefreshWait) { button, 0 };
  wait_for (alerts_refreshed, &wait, "the alerts checked while hidden");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_application_activate (G_APPLICATION (app));
  wait_for (window_visible, window, "the hidden window to come up on a launch");
  gtk_window_destroy (window);

  window = scim_application_open_hidden (app, missing, NULL);
  wait_for (window_visible, window, "the window to come up when the file is missing");
  g_assert_cmpstr (scim_window_get_state (SCIM_WINDOW (window)), !=, "work");
  gtk_window_destroy (window);
}

static gboolean
backup_made (gpointer data)
{
  return scim_window_get_backups_made (data) >= 1;
}

static gboolean
backups_dialog_idle (gpointer data)
{
  return !scim_backups_dialog_get_busy (data);
}

typedef struct
{
  const char *path;
  gint64      tasks;
} TasksAre;

static gboolean
tasks_are (gpointer data)
{
  TasksAre *want = data;

  return raw_count (want->path, "SELECT count(*) FROM tasks") == want->tasks;
}

/* A window that opens a database makes a verified backup in
 * NAME-backups when none is recent; Backups in the main menu lists them,
 * makes one more on "Back Up Now", and restores one after asking, keeping
 * the replaced file aside, then opens the restored file again. */
static void
test_backups_auto_and_restore (void)
{
  g_autofree char *path = demo_copy ("team.db");
  g_autofree char *folder = g_build_filename (tmpdir, "team-backups", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GError) error = NULL;
  ScimWindow *window;
  ScimBackupsDialog *dialog;
  AdwMessageDialog *confirm;
  TasksAre restored;
  sqlite3 *db = NULL;

  g_settings_set_int (settings, "backup-hours", 24);
  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  wait_for (backup_made, window, "the automatic backup");
  backups = scim_backups_list (folder, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 1);
  restored.path = path;
  restored.tasks = raw_count (path, "SELECT count(*) FROM tasks");
  g_assert_cmpint (restored.tasks, >, 0);
  g_assert_cmpint (raw_count (((ScimBackup *) g_ptr_array_index (backups, 0))->path, "SELECT count(*) FROM tasks"),
                   ==, restored.tasks);

  /* Someone deletes every task; the backup still has them. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM tasks", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.backups", NULL));
  dialog = SCIM_BACKUPS_DIALOG (find_toplevel (SCIM_TYPE_BACKUPS_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpuint (scim_backups_dialog_get_n_backups (dialog), ==, 1);
  scim_backups_dialog_back_up (dialog);
  wait_for (backups_dialog_idle, dialog, "Back Up Now");
  g_assert_null (scim_backups_dialog_get_error (dialog));
  g_assert_cmpuint (scim_backups_dialog_get_n_backups (dialog), ==, 2);

  /* The older one, made at open, has the tasks. */
  scim_backups_dialog_restore (dialog, 1);
  confirm = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (confirm);
  adw_message_dialog_response (confirm, "restore");
  wait_for (tasks_are, &restored, "the restored tasks");
  wait_state (window, "work");
  g_assert_cmpstr (scim_store_get_path (scim_window_get_store (window)), ==, path);
  {
    g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
    const char *name;
    guint aside = 0;

    while ((name = g_dir_read_name (dir)) != NULL)
      aside += g_str_has_prefix (name, "team-before-restore-");
    g_assert_cmpuint (aside, ==, 1);
  }
  g_settings_set_int (settings, "backup-hours", 0);
  destroy_window (window);
}

static gboolean
window_checked (gpointer data)
{
  return scim_window_get_checked (data);
}

/* A file damaged inside (its header sound) opens at once; the check after
 * the first frame finds the damage, makes the window read-only and offers
 * the backups in the banner. */
static void
test_damaged_found_after_open (void)
{
  g_autofree char *path = demo_copy ("damaged.db");
  g_autofree char *bytes = NULL;
  GtkWidget *restore;
  ScimWindow *window;
  gsize len;

  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  /* Scramble the last third of the pages, keep the first ones (the schema
   * and the users) whole. */
  for (gsize i = len - len / 3; i < len; i += 13)
    bytes[i] ^= 0xA5;
  g_assert_true (g_file_set_contents (path, bytes, len, NULL));

  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  wait_for (window_checked, window, "the check after open");
  g_assert_true (scim_store_is_damaged (scim_window_get_store (window)));
  g_assert_true (scim_store_is_read_only (scim_window_get_store (window)));
  g_assert_nonnull (strstr (scim_window_get_read_only_reason (window), "damaged"));
  restore = find_button (GTK_WIDGET (window), "_Restore from a Backup…");
  g_assert_nonnull (restore);
  g_assert_true (gtk_widget_get_visible (restore));
  destroy_window (window);
}

static gboolean
someone_online (gpointer data)
{
  return scim_window_get_online (data) != NULL;
}

/* The header says who else has the file open, from their heartbeats. */
static void
test_online_in_header (void)
{
  g_autofree char *path = demo_copy ("online.db");
  g_autofree char *sql = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  ScimWindow *window;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("INSERT INTO sessions (user_id, host, pid, started_at, heartbeat_at) "
                         "SELECT id, 'pc-2', 4242, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " FROM users "
                         "WHERE login = 'sales1'", now, now);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  window = new_window ();
  scim_window_open_file (window, path, "admin");
  wait_state (window, "work");
  wait_for (someone_online, window, "the others online");
  g_assert_cmpstr (scim_window_get_online (window), ==, "Robert Hall on pc-2");
  destroy_window (window);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *localedir = g_getenv ("SCIM_LOCALEDIR");
  int ret;

  setlocale (LC_ALL, "");
  {
    /* The start at login writes to the config folder: a private one. */
    config_dir = g_dir_make_tmp ("scim-gui-config-XXXXXX", NULL);
    g_assert_nonnull (config_dir);
    g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);
  }
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  tmpdir = g_dir_make_tmp ("scim-gui-XXXXXX", &error);
  g_assert_no_error (error);

  ensure_notification_server ();
  app = scim_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  /* No automatic backups but where a test asks for them. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_settings_set_int (settings, "backup-hours", 0);
  }
  /* Startup runs with the first activation; run it now to get the accels. */
  g_application_hold (G_APPLICATION (app));

  if (g_getenv ("SCIM_BENCH_DB") != NULL)
    g_test_add_func ("/bench/large-file", bench_large_file);
  else if (g_getenv ("SCIM_TEST_RUSSIAN") != NULL)
    {
      g_test_add_func ("/gui/russian", test_russian);
      g_test_add_func ("/gui/russian/everywhere", test_russian_everywhere);
    }
  else
    {
      g_test_add_func ("/gui/window/template", test_window_template);
      g_test_add_func ("/gui/first-run/creates-database", test_first_run);
      g_test_add_func ("/gui/pages/shortcuts", test_page_shortcuts);
      g_test_add_func ("/gui/pages/hidden-rows", test_hidden_page_rows);
      g_test_add_func ("/gui/control/team-of-sixty", test_control_team_of_sixty);
      g_test_add_func ("/gui/open/bad-file", test_bad_file);
      g_test_add_func ("/gui/sign-in/password", test_sign_in_password);
      g_test_add_func ("/gui/sign-in/keyring", test_sign_in_keyring);
      g_test_add_func ("/gui/screenshot/demo", test_screenshot);
      g_test_add_func ("/gui/settings/funnel-editor-reorders", test_funnel_editor_reorders);
      g_test_add_func ("/gui/settings/read-only-for-sales", test_settings_read_only_for_sales);
      g_test_add_func ("/gui/leads/card-opens-from-table", test_lead_card_from_table);
      g_test_add_func ("/gui/conflict/lead-card", test_conflict_lead_card);
      g_test_add_func ("/gui/conflict/save-waits-for-file", test_save_waits_for_file);
      g_test_add_func ("/gui/conflict/save-times-out", test_save_times_out);
      g_test_add_func ("/gui/conflict/sale-window", test_conflict_sale_window);
  g_test_add_func ("/gui/conflict/sale-move", test_conflict_sale_move);
      g_test_add_func ("/gui/leads/accept-from-queue", test_accept_from_queue);
      g_test_add_func ("/gui/plan/add-reorder-finish-in-sale-window", test_plan_in_sale_window);
      g_test_add_func ("/gui/control/stage-filter", test_control_filters_by_stage);
      g_test_add_func ("/gui/book/event-seen-in-sale-window", test_event_in_sale_window);
      g_test_add_func ("/gui/settings/client-card-opens-sale", test_client_card_opens_sale);
      g_test_add_func ("/gui/leads/card-lists-its-sales", test_lead_card_lists_sales);
      g_test_add_func ("/gui/funnel/band-lists-its-sales", test_funnel_band_lists_sales);
      g_test_add_func ("/gui/funnel/compare", test_funnel_compare);
      g_test_add_func ("/gui/funnel/replay", test_funnel_replay);
      g_test_add_func ("/gui/funnel/board", test_funnel_board);
      g_test_add_func ("/gui/funnel/board-mine", test_funnel_board_mine);
      g_test_add_func ("/gui/command-line/file-user-and-last-database", test_command_line);
      g_test_add_func ("/gui/window/open-recent", test_open_recent);
      g_test_add_func ("/gui/window/keyboard-paths", test_keyboard_paths);
      g_test_add_func ("/gui/shortcuts-window", test_shortcuts_window);
      g_test_add_func ("/gui/others-changes-appear", test_others_changes_appear);
      g_test_add_func ("/gui/open/read-only-on-unsafe-mount", test_read_only_on_unsafe_mount);
      g_test_add_func ("/gui/open/trust-folder", test_trust_folder);
      g_test_add_func ("/gui/leads/import-asks-about-owners", test_import_owners_step);
      g_test_add_func ("/gui/leads/card-merges-duplicate", test_lead_card_merges_duplicate);
      g_test_add_func ("/gui/alerts/notify-once", test_alerts_notify_once);
      g_test_add_func ("/gui/alerts/mail", test_alerts_mail);
      g_test_add_func ("/gui/preferences/password-in-keyring", test_preferences_password);
      g_test_add_func ("/gui/preferences/autostart", test_preferences_autostart);
      g_test_add_func ("/gui/background/start-hidden", test_background_start);
      g_test_add_func ("/gui/backups/auto-and-restore", test_backups_auto_and_restore);
      g_test_add_func ("/gui/open/damage-found-after-open", test_damaged_found_after_open);
      g_test_add_func ("/gui/header/online", test_online_in_header);
    }

  ret = g_test_run ();

  g_application_release (G_APPLICATION (app));
  if (notification_server != NULL)
    g_subprocess_force_exit (notification_server);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s' '%s'", tmpdir, config_dir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  return ret;
}
