/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "scim-wrap-layout.h"

/* Lays children out left to right, as a horizontal box does, and starts a
 * new line where the next child would not fit: a filter bar that fits a
 * 1024-pixel window without cutting anything.  In a line, the room left goes
 * to the children that expand horizontally. */

struct _ScimWrapLayout
{
  GtkLayoutManager parent_instance;

  int spacing;
  int line_spacing;
};

G_DEFINE_FINAL_TYPE (ScimWrapLayout, scim_wrap_layout, GTK_TYPE_LAYOUT_MANAGER)

typedef struct
{
  GtkWidget *child;
  int        width;   /* given in its line */
  int        line;
} Placed;

static gboolean
shown (GtkWidget *child)
{
  return gtk_widget_should_layout (child);
}

/* Places the children in lines no wider than @width; fills @placed (may be
 * NULL) and returns the height all the lines take. */
static int
place (ScimWrapLayout *self,
       GtkWidget      *widget,
       int             width,
       GArray         *placed,
       GArray         *line_heights)
{
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (Placed));
  int x = 0, line = 0, height = 0;
  guint first_of_line = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      Placed item = { child, 0, 0 };
      int min = 0, nat = 0;

      if (!shown (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
      item.width = MIN (MAX (nat, min), MAX (width, min));
      if (x > 0 && x + item.width > width)
        {
          line++;
          x = 0;
        }
      item.line = line;
      x += item.width + self->spacing;
      g_array_append_val (items, item);
    }

  /* Share the room left in each line among its expanding children, then
   * measure each line's height at the widths given. */
  for (guint i = 0; i < items->len; i = first_of_line)
    {
      int used = 0, n_expand = 0, line_height = 0, extra;
      guint j;

      first_of_line = i;
      for (j = i; j < items->len && g_array_index (items, Placed, j).line == g_array_index (items, Placed, i).line; j++)
        {
          Placed *item = &g_array_index (items, Placed, j);

          used += item->width + (j > i ? self->spacing : 0);
          if (gtk_widget_compute_expand (item->child, GTK_ORIENTATION_HORIZONTAL))
            n_expand++;
        }
      extra = MAX (width - used, 0);
      for (guint k = i; k < j; k++)
        {
          Placed *item = &g_array_index (items, Placed, k);
          int min_h = 0, nat_h = 0;

          if (n_expand > 0 && gtk_widget_compute_expand (item->child, GTK_ORIENTATION_HORIZONTAL))
            {
              int share = extra / n_expand;

              item->width += share;
              extra -= share;
              n_expand--;
            }
          gtk_widget_measure (item->child, GTK_ORIENTATION_VERTICAL, item->width, &min_h, &nat_h, NULL, NULL);
          line_height = MAX (line_height, nat_h);
        }
      if (line_heights != NULL)
        g_array_append_val (line_heights, line_height);
      height += line_height + (i > 0 ? self->line_spacing : 0);
      first_of_line = j;
    }

  if (placed != NULL)
    g_array_append_vals (placed, items->data, items->len);
  return height;
}

static GtkSizeRequestMode
scim_wrap_layout_get_request_mode (GtkLayoutManager *manager,
                                   GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
scim_wrap_layout_measure (GtkLayoutManager *manager,
                          GtkWidget        *widget,
                          GtkOrientation    orientation,
                          int               for_size,
                          int              *minimum,
                          int              *natural,
                          int              *minimum_baseline,
                          int              *natural_baseline)
{
  ScimWrapLayout *self = SCIM_WRAP_LAYOUT (manager);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int widest = 0, all = 0, n = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int min = 0, nat = 0;

          if (!shown (child))
            continue;
          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
          widest = MAX (widest, min);
          all += nat + (n++ > 0 ? self->spacing : 0);
        }
      *minimum = widest;
      *natural = MAX (all, widest);
    }
  else
    {
      int min_width = 0, nat_width = 0, height;

      scim_wrap_layout_measure (manager, widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width, NULL, NULL);
      /* Without a width, the height at the natural width: one line.  With
       * one, as many lines as that width takes. */
      height = place (self, widget, for_size >= 0 ? MAX (for_size, min_width) : nat_width, NULL, NULL);
      *minimum = height;
      *natural = height;
    }
}

static void
scim_wrap_layout_allocate (GtkLayoutManager *manager,
                           GtkWidget        *widget,
                           int               width,
                           int               height,
                           int               baseline)
{
  ScimWrapLayout *self = SCIM_WRAP_LAYOUT (manager);
  g_autoptr(GArray) placed = g_array_new (FALSE, FALSE, sizeof (Placed));
  g_autoptr(GArray) line_heights = g_array_new (FALSE, FALSE, sizeof (int));
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int x = 0, y = 0, line = 0;

  place (self, widget, width, placed, line_heights);
  for (guint i = 0; i < placed->len; i++)
    {
      Placed *item = &g_array_index (placed, Placed, i);
      int line_height;

      if (item->line != line)
        {
          y += g_array_index (line_heights, int, line) + self->line_spacing;
          line = item->line;
          x = 0;
        }
      line_height = g_array_index (line_heights, int, line);
      gtk_widget_size_allocate (item->child,
                                &(GtkAllocation) { rtl ? width - x - item->width : x, y, item->width, line_height },
                                -1);
      x += item->width + self->spacing;
    }
}

static void
scim_wrap_layout_class_init (ScimWrapLayoutClass *klass)
{
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  layout_class->get_request_mode = scim_wrap_layout_get_request_mode;
  layout_class->measure = scim_wrap_layout_measure;
  layout_class->allocate = scim_wrap_layout_allocate;
}

static void
scim_wrap_layout_init (ScimWrapLayout *self)
{
}

/**
 * scim_wrap_layout_new:
 * @spacing: pixels between children in a line
 * @line_spacing: pixels between lines
 *
 * Returns: (transfer full): a layout that wraps its widget's children
 */
GtkLayoutManager *
scim_wrap_layout_new (int spacing,
                      int line_spacing)
{
  ScimWrapLayout *self = g_object_new (SCIM_TYPE_WRAP_LAYOUT, NULL);

  self->spacing = spacing;
  self->line_spacing = line_spacing;
  return GTK_LAYOUT_MANAGER (self);
}
