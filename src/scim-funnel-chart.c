/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-funnel-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-funnel-chart.h"

#include <math.h>

/* The lowest the picture is drawn; taller when its labels need it. */
#define MIN_PICTURE_HEIGHT 240

/* The funnel picture: the core's painter inside snapshot, with the theme's
 * colours (dark mode follows), a tooltip per band on hover, a click or
 * Enter on a band to list its sales, and the keyboard moving between bands
 * with an accessible description of the one in focus. */

struct _ScimFunnelChart
{
  GtkWidget       parent_instance;

  GPtrArray      *funnels;      /* ScimFunnel, owned */
  ScimFunnelMode  mode;
  GArray         *bands;        /* ScimFunnelBand of the last paint */
  ScimFunnel     *compare;      /* the same product at another moment, owned; drawn beside */
  char           *now_title;
  char           *compare_title;
  int             measured_width;   /* min_height_for()'s cache */
  int             measured_height;  /* -1: not known */
  int             focused;      /* index into bands, -1 */
};

enum {
  PROP_0,
  PROP_MODE,
  N_PROPS
};

enum {
  BAND_ACTIVATED,
  BAND_OPENED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ScimFunnelChart, scim_funnel_chart, GTK_TYPE_WIDGET)

static void
rgba_to (const GdkRGBA *rgba,
         double         out[4])
{
  out[0] = rgba->red;
  out[1] = rgba->green;
  out[2] = rgba->blue;
  out[3] = rgba->alpha;
}

/* The painter's colours from the theme of this widget. */
static void
style_from_theme (ScimFunnelChart *self,
                  ScimFunnelStyle *style)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA fg, accent, warning;

  gtk_style_context_get_color (context, &fg);
  if (!gtk_style_context_lookup_color (context, "accent_bg_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");
  if (!gtk_style_context_lookup_color (context, "warning_color", &warning))
    gdk_rgba_parse (&warning, "#e5a50a");
  G_GNUC_END_IGNORE_DEPRECATIONS

  scim_funnel_style_init_default (style, (fg.red + fg.green + fg.blue) / 3 > 0.5);
  rgba_to (&fg, style->foreground);
  rgba_to (&accent, style->accent);
  rgba_to (&warning, style->warning);
  style->background[3] = 0;
  style->muted[0] = fg.red;
  style->muted[1] = fg.green;
  style->muted[2] = fg.blue;
  style->muted[3] = 0.35;
}

/* The picture: one funnel, one beside itself at another moment, or a
 * grid of all products (whose bands are not kept: %NULL). */
static GArray *
paint (ScimFunnelChart       *self,
       cairo_t               *cr,
       double                 width,
       double                 height,
       const ScimFunnelStyle *style)
{
  if (self->funnels->len == 1 && self->compare != NULL)
    return scim_funnel_paint_compare (cr, width, height, g_ptr_array_index (self->funnels, 0), self->compare,
                                      self->now_title, self->compare_title, self->mode, style);
  if (self->funnels->len == 1)
    return scim_funnel_paint (cr, width, height, g_ptr_array_index (self->funnels, 0), self->mode, style);
  scim_funnel_paint_many (cr, width, height, self->funnels, self->mode, style);
  return NULL;
}

static GArray *
layout_cb (cairo_t  *cr,
           double   width,
           double   height,
           gpointer data)
{
  ScimFunnelChart *self = data;
  ScimFunnelStyle style;

  style_from_theme (self, &style);
  /* The grid of all products keeps no bands when drawn, but its labels
   * must be whole too. */
  if (self->funnels->len > 1)
    return scim_funnel_paint_grid (cr, width, height, self->funnels, self->mode, &style);
  return paint (self, cr, width, height, &style);
}

/* The height every label needs at @width, found once per picture and
 * width (scim_funnel_min_height() paints it a few times off screen). */
static int
min_height_for (ScimFunnelChart *self,
                int              width)
{
  if (self->funnels == NULL || self->funnels->len == 0)
    return 0;
  if (self->measured_width != width || self->measured_height < 0)
    {
      /* The lowest height at which the picture is still worth looking at;
       * above it, the pane's own height decides (measure's minimum). */
      self->measured_width = width;
      self->measured_height = (int) ceil (scim_funnel_min_height (layout_cb, self, width, MIN_PICTURE_HEIGHT));
    }
  return self->measured_height;
}

static void
forget_height (ScimFunnelChart *self)
{
  self->measured_height = -1;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
scim_funnel_chart_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  ScimFunnelChart *self = SCIM_FUNNEL_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  ScimFunnelStyle style;
  cairo_t *cr;

  if (self->funnels == NULL || self->funnels->len == 0 || width <= 0 || height <= 0)
    return;

  style_from_theme (self, &style);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_clear_pointer (&self->bands, g_array_unref);
  self->bands = paint (self, cr, width, height, &style);

  /* The focused band gets a ring, as any focused control does. */
  if (self->bands != NULL && self->focused >= 0 && self->focused < (int) self->bands->len &&
      gtk_widget_has_focus (widget))
    {
      ScimFunnelBand *band = &g_array_index (self->bands, ScimFunnelBand, self->focused);

      cairo_set_source_rgba (cr, style.accent[0], style.accent[1], style.accent[2], 1);
      cairo_set_line_width (cr, 2);
      cairo_rectangle (cr, band->x - 3, band->y - 3, band->width + 6, band->height + 6);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static int
band_at (ScimFunnelChart *self,
         double           x,
         double           y)
{
  return self->bands != NULL ? scim_funnel_band_at (self->bands, x, y) : -1;
}

static char *
describe_band (ScimFunnelChart *self,
               int              index)
{
  ScimFunnel *funnel = self->funnels != NULL && self->funnels->len == 1 ? g_ptr_array_index (self->funnels, 0) : NULL;
  ScimFunnel *shown;
  ScimFunnelBand *band;
  ScimFunnelStage *stage;
  g_autofree char *money = NULL;
  g_autofree char *weighted = NULL;
  g_autofree char *in_work = NULL;
  g_autofree char *conversion = NULL;
  GString *text;

  if (funnel == NULL || self->bands == NULL || index < 0 || index >= (int) self->bands->len)
    return NULL;
  band = &g_array_index (self->bands, ScimFunnelBand, index);
  shown = band->funnel_index == 1 && self->compare != NULL ? self->compare : funnel;
  if (band->stage_index < 0 || band->stage_index >= (int) shown->stages->len)
    return NULL;
  stage = g_ptr_array_index (shown->stages, band->stage_index);
  money = scim_format_amount (stage->amount);
  weighted = scim_format_amount (stage->weighted_amount);
  in_work = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u sale in work", "%u sales in work", stage->count),
                             stage->count);
  conversion = stage->conversion >= 0 ? g_strdup_printf (_("%.0f%% go on to the next stage"), stage->conversion * 100)
                                      : NULL;
  text = g_string_new (stage->name);
  g_string_append_printf (text, "\n%s · %s", in_work, money);
  /* Translators: in the funnel's tooltip: how many sales got to a stage
   * or past it, and their share of the top stage. */
  g_string_append_printf (text, _("\nReached by %u · %.0f%% of the top"), stage->reached, stage->share * 100);
  if (conversion != NULL)
    g_string_append_printf (text, "\n%s", conversion);
  /* Translators: in the funnel's tooltip: the amount times the stage's probability. */
  g_string_append_printf (text, _("\nWeighted amount: %s"), weighted);
  /* Translators: in the funnel's tooltip: the average days a sale spends
   * at the stage, and how many stand there longer than the stage allows. */
  g_string_append_printf (text, _("\nAverage time here: %.1f days · stuck: %u"), stage->avg_days, stage->stuck);
  if (band->compared)
    {
      g_autofree char *delta = scim_funnel_format_delta (band->delta);

      /* Translators: in the funnel's tooltip when it is compared: "Against
       * 30 days earlier: ▲3", the difference in sales at the stage. */
      g_string_append_printf (text, _("\nAgainst %s: %s"), self->compare_title, delta);
    }
  return g_string_free (text, FALSE);
}

static gboolean
on_query_tooltip_cb (GtkWidget       *widget,
                     int              x,
                     int              y,
                     gboolean         keyboard,
                     GtkTooltip      *tooltip,
                     ScimFunnelChart *self)
{
  int index = keyboard ? self->focused : band_at (self, x, y);
  g_autofree char *text = describe_band (self, index);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/**
 * scim_funnel_chart_dup_tooltip_at:
 * @x: a point in the widget
 * @y: a point in the widget
 *
 * What the tooltip says over that point: every figure of the stage there.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL off the bands
 */
char *
scim_funnel_chart_dup_tooltip_at (ScimFunnelChart *self,
                                  double           x,
                                  double           y)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_CHART (self), NULL);

  return describe_band (self, band_at (self, x, y));
}

static void
emit_band (ScimFunnelChart *self,
           int              index,
           guint            signal)
{
  ScimFunnel *funnel;
  ScimFunnelBand *band;
  ScimFunnelStage *stage;

  if (self->funnels == NULL || self->funnels->len != 1 || self->bands == NULL ||
      index < 0 || index >= (int) self->bands->len)
    return;
  band = &g_array_index (self->bands, ScimFunnelBand, index);
  funnel = band->funnel_index == 1 && self->compare != NULL ? self->compare : g_ptr_array_index (self->funnels, 0);
  if (band->stage_index < 0 || band->stage_index >= (int) funnel->stages->len)
    return;
  stage = g_ptr_array_index (funnel->stages, band->stage_index);
  g_signal_emit (self, signals[signal], 0, stage->stage_id);
}

static void
activate_band (ScimFunnelChart *self,
               int              index)
{
  emit_band (self, index, BAND_ACTIVATED);
}

static void
on_pressed_cb (GtkGestureClick *gesture,
               int              n_press,
               double           x,
               double           y,
               ScimFunnelChart *self)
{
  int index = band_at (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (index >= 0)
    {
      self->focused = index;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      if (n_press == 2)
        emit_band (self, index, BAND_OPENED);
      else
        activate_band (self, index);
    }
}

static void
update_accessible (ScimFunnelChart *self)
{
  g_autofree char *text = describe_band (self, self->focused);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text != NULL ? text : "", -1);
}

static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   ScimFunnelChart       *self)
{
  int n = self->bands != NULL ? (int) self->bands->len : 0;

  if (n == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_Left:
      self->focused = MAX (0, self->focused - 1);
      break;
    case GDK_KEY_Down:
    case GDK_KEY_Right:
      self->focused = MIN (n - 1, self->focused + 1);
      break;
    case GDK_KEY_Home:
      self->focused = 0;
      break;
    case GDK_KEY_End:
      self->focused = n - 1;
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      activate_band (self, MAX (0, self->focused));
      return TRUE;
    default:
      return FALSE;
    }
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static void
scim_funnel_chart_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  ScimFunnelChart *self = SCIM_FUNNEL_CHART (widget);

  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : MIN_PICTURE_HEIGHT;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 720 : 420;
  /* Tall enough at this width for every label whole in the UI's type:
   * in a scrolled window, a funnel of many stages scrolls rather than
   * shrinking its text. */
  if (orientation == GTK_ORIENTATION_VERTICAL && for_size > 0)
    {
      int needed = min_height_for (self, for_size);

      *minimum = MAX (*minimum, needed);
      *natural = MAX (*natural, needed);
    }
}

static GtkSizeRequestMode
scim_funnel_chart_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
scim_funnel_chart_finalize (GObject *object)
{
  ScimFunnelChart *self = SCIM_FUNNEL_CHART (object);

  g_clear_pointer (&self->funnels, g_ptr_array_unref);
  g_clear_pointer (&self->bands, g_array_unref);
  g_clear_pointer (&self->compare, scim_funnel_free);
  g_clear_pointer (&self->now_title, g_free);
  g_clear_pointer (&self->compare_title, g_free);

  G_OBJECT_CLASS (scim_funnel_chart_parent_class)->finalize (object);
}

static void
scim_funnel_chart_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ScimFunnelChart *self = SCIM_FUNNEL_CHART (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_int (value, self->mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scim_funnel_chart_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ScimFunnelChart *self = SCIM_FUNNEL_CHART (object);

  switch (prop_id)
    {
    case PROP_MODE:
      scim_funnel_chart_set_mode (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scim_funnel_chart_class_init (ScimFunnelChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = scim_funnel_chart_finalize;
  object_class->get_property = scim_funnel_chart_get_property;
  object_class->set_property = scim_funnel_chart_set_property;
  widget_class->snapshot = scim_funnel_chart_snapshot;
  widget_class->measure = scim_funnel_chart_measure;
  widget_class->get_request_mode = scim_funnel_chart_get_request_mode;

  properties[PROP_MODE] =
    g_param_spec_int ("mode", NULL, NULL, SCIM_FUNNEL_IN_WORK, SCIM_FUNNEL_REACHED, SCIM_FUNNEL_IN_WORK,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ScimFunnelChart::band-activated:
   * @stage_id: the stage whose band was clicked or chosen with Enter
   */
  signals[BAND_ACTIVATED] = g_signal_new ("band-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * ScimFunnelChart::band-opened:
   * @stage_id: the stage whose band was double-clicked
   *
   * After ::band-activated: the stage's list is wanted, to work in.
   */
  signals[BAND_OPENED] = g_signal_new ("band-opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_css_name (widget_class, "funnelchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
scim_funnel_chart_init (ScimFunnelChart *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->focused = -1;
  self->measured_height = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip_cb), self);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sales funnel"), -1);
}

GtkWidget *
scim_funnel_chart_new (void)
{
  return g_object_new (SCIM_TYPE_FUNNEL_CHART, NULL);
}

/**
 * scim_funnel_chart_set_funnels:
 * @self: a #ScimFunnelChart
 * @funnels: (nullable) (transfer full) (element-type ScimFunnel): one funnel,
 *   or one per product to draw side by side
 */
void
scim_funnel_chart_set_funnels (ScimFunnelChart *self,
                               GPtrArray       *funnels)
{
  g_return_if_fail (SCIM_IS_FUNNEL_CHART (self));

  g_clear_pointer (&self->funnels, g_ptr_array_unref);
  g_clear_pointer (&self->bands, g_array_unref);
  self->funnels = funnels;
  self->focused = funnels != NULL && funnels->len == 1 ? 0 : -1;
  forget_height (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* The bands are known after the next paint; describe the first then. */
  update_accessible (self);
}

/**
 * scim_funnel_chart_get_funnels:
 * @self: a #ScimFunnelChart
 *
 * Returns: (transfer none) (nullable) (element-type ScimFunnel): what is drawn
 */
GPtrArray *
scim_funnel_chart_get_funnels (ScimFunnelChart *self)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_CHART (self), NULL);
  return self->funnels;
}

void
scim_funnel_chart_set_mode (ScimFunnelChart *self,
                            ScimFunnelMode   mode)
{
  g_return_if_fail (SCIM_IS_FUNNEL_CHART (self));

  if (self->mode == mode)
    return;
  self->mode = mode;
  forget_height (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

ScimFunnelMode
scim_funnel_chart_get_mode (ScimFunnelChart *self)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_CHART (self), SCIM_FUNNEL_IN_WORK);
  return self->mode;
}

/**
 * scim_funnel_chart_get_bands:
 * @self: a #ScimFunnelChart
 *
 * Returns: (transfer none) (nullable) (element-type ScimFunnelBand): where
 *   the bands were drawn last
 */
GArray *
scim_funnel_chart_get_bands (ScimFunnelChart *self)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_CHART (self), NULL);
  return self->bands;
}

/* Clicks a point, as the mouse does; for tests. */
void
scim_funnel_chart_click (ScimFunnelChart *self,
                         double           x,
                         double           y)
{
  g_return_if_fail (SCIM_IS_FUNNEL_CHART (self));
  activate_band (self, band_at (self, x, y));
}

/* The picture on paper: the default light style, the caption under it. */
static void
paint_paper (cairo_t  *cr,
             double    width,
             double    height,
             gpointer  data)
{
  ScimFunnelChart *self = data;
  g_autofree char *caption = scim_funnel_chart_dup_caption (self);
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoFontDescription) font = NULL;
  g_autoptr(GArray) bands = NULL;
  ScimFunnelStyle style;
  int caption_width = 0, caption_height = 0;

  if (caption == NULL)
    return;
  scim_funnel_style_init_default (&style, FALSE);
  cairo_set_source_rgba (cr, style.background[0], style.background[1], style.background[2], style.background[3]);
  cairo_paint (cr);

  layout = pango_cairo_create_layout (cr);
  font = pango_font_description_from_string (style.font != NULL ? style.font : "Sans 10");
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) MAX (width - 24, 1) * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, caption, -1);
  pango_layout_get_pixel_size (layout, &caption_width, &caption_height);

  bands = paint (self, cr, width, MAX (height - caption_height - 16, 1), &style);
  cairo_set_source_rgba (cr, style.foreground[0], style.foreground[1], style.foreground[2], 0.7);
  cairo_move_to (cr, 12, height - caption_height - 8);
  pango_cairo_show_layout (cr, layout);
}

/* Double-clicks a point, as the mouse does; for tests. */
void
scim_funnel_chart_open (ScimFunnelChart *self,
                        double           x,
                        double           y)
{
  int index;

  g_return_if_fail (SCIM_IS_FUNNEL_CHART (self));
  index = band_at (self, x, y);
  activate_band (self, index);
  emit_band (self, index, BAND_OPENED);
}

/**
 * scim_funnel_chart_paint_to:
 * @self: a #ScimFunnelChart
 * @cr: a cairo context (a print page)
 * @width: the width to draw in
 * @height: the height to draw in
 *
 * Draws the same picture elsewhere, in the default light style (paper).
 */
void
scim_funnel_chart_paint_to (ScimFunnelChart *self,
                            cairo_t         *cr,
                            double           width,
                            double           height)
{
  g_return_if_fail (SCIM_IS_FUNNEL_CHART (self));
  paint_paper (cr, width, height, self);
}

/**
 * scim_funnel_chart_dup_caption:
 * @self: a #ScimFunnelChart
 *
 * The line printed and exported under the picture: what it shows, as of
 * when, and the comparison.
 *
 * Returns: (transfer full) (nullable): the caption, %NULL with nothing shown
 */
char *
scim_funnel_chart_dup_caption (ScimFunnelChart *self)
{
  ScimFunnel *funnel;
  g_autofree char *when = NULL;
  const char *what;
  GString *caption;

  g_return_val_if_fail (SCIM_IS_FUNNEL_CHART (self), NULL);
  if (self->funnels == NULL || self->funnels->len == 0)
    return NULL;
  funnel = g_ptr_array_index (self->funnels, 0);
  when = scim_format_time (funnel->as_of, "%Y-%m-%d %H:%M");
  what = self->mode == SCIM_FUNNEL_REACHED ? _("sales that reached each stage") : _("sales in work at each stage");
  caption = g_string_new (NULL);
  if (self->funnels->len == 1)
    g_string_append_printf (caption, "%s · ", funnel->product);
  /* Translators: under a printed or exported funnel: "as of 2026-12-08
   * 09:30 · sales in work at each stage". */
  g_string_append_printf (caption, _("as of %s · %s"), when != NULL ? when : "", what);
  if (self->funnels->len == 1 && self->compare != NULL)
    {
      g_autofree char *then = scim_format_time (self->compare->as_of, "%Y-%m-%d %H:%M");

      /* Translators: under a printed funnel compared with another moment. */
      g_string_append_printf (caption, _(" · compared with %s"), then != NULL ? then : "");
    }
  return g_string_free (caption, FALSE);
}

/**
 * scim_funnel_chart_export:
 * @self: a #ScimFunnelChart
 * @format: PNG, SVG or PDF
 * @path: the file; replaced only when the whole picture is written
 * @width: the picture's width
 * @height: its height
 * @error: return location for an error
 *
 * Exactly what the chart shows (one funnel, a comparison, all products),
 * on paper colours, with its caption.
 *
 * Returns: %TRUE when written
 */
gboolean
scim_funnel_chart_export (ScimFunnelChart   *self,
                          ScimFunnelFormat   format,
                          const char        *path,
                          int                width,
                          int                height,
                          GError           **error)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_CHART (self), FALSE);

  return scim_funnel_write_picture_file (paint_paper, self, format, path, width, height, error);
}

/**
 * scim_funnel_chart_set_compare:
 * @self: a #ScimFunnelChart
 * @then: (transfer full) (nullable): the same product's funnel at another
 *   moment, drawn beside the one shown; %NULL for none
 * @now_title: (nullable): what the funnel shown is ("Now")
 * @then_title: (nullable): what @then is ("30 days earlier, 8 Nov")
 *
 * Compares the funnel with itself at another moment, the differences
 * marked per stage; only for one product.
 */
void
scim_funnel_chart_set_compare (ScimFunnelChart *self,
                               ScimFunnel      *then,
                               const char      *now_title,
                               const char      *then_title)
{
  g_return_if_fail (SCIM_IS_FUNNEL_CHART (self));

  g_clear_pointer (&self->compare, scim_funnel_free);
  g_clear_pointer (&self->bands, g_array_unref);
  self->compare = then;
  g_free (self->now_title);
  self->now_title = g_strdup (now_title);
  g_free (self->compare_title);
  self->compare_title = g_strdup (then_title);
  forget_height (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * scim_funnel_chart_get_compare:
 * @self: a #ScimFunnelChart
 *
 * Returns: (transfer none) (nullable): the funnel drawn beside, if any
 */
ScimFunnel *
scim_funnel_chart_get_compare (ScimFunnelChart *self)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_CHART (self), NULL);
  return self->compare;
}
