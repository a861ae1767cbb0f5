/* lab-property.h — the setters behind GObject properties that the widgets share with the models
 * and pages: store a value, and notify its property when that changed it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Each stores `value` in `*field`; when that changed it, notifies `pspec` on `object` (none when
 * `pspec` is NULL) and returns TRUE. A boolean is stored as TRUE or FALSE; a NaN double equals a
 * NaN; a string is copied (as g_set_str, which GLib 2.76 adds, does). */
gboolean lab_property_set_boolean (gpointer object, gboolean *field, gboolean value,
                                   GParamSpec *pspec);
gboolean lab_property_set_double (gpointer object, double *field, double value,
                                  GParamSpec *pspec);
gboolean lab_property_set_string (gpointer object, char **field, const char *value,
                                  GParamSpec *pspec);

G_END_DECLS
