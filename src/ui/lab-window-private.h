/* lab-window-private.h — LabWindow's insides, shared by lab-window.c (navigation, runner,
 * demo) and lab-window-pages.c (the page widgets plugged into it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lab-demo.h"
#include "lab-run-list.h"
#include "lab-runner.h"
#include "lab-store-gateway.h"
#include "lab-window.h"

G_BEGIN_DECLS

struct _LabWindow
{
  AdwApplicationWindow parent_instance;

  /* owned */
  GSettings *settings;
  char *db_path;
  LabStoreGateway *gateway;  /* the window's one way to the store */
  GCancellable *cancellable; /* of the window's own store jobs */
  LabRunner *runner;
  LabRunList *runs;
  gint64 shown_run;       /* the run of the live page, 0 when none */
  gint64 demo_runs[LAB_DEMO_N_RUNS];
  gboolean follow_active; /* the live page follows the runner to its next run (the demo) */
  AdwToast *notice_toast; /* the runner's last notice while shown (weak), which the next replaces */

  /* template */
  AdwToastOverlay *toast_overlay;
  AdwHeaderBar *header_bar;
  GtkButton *back_button;
  GtkButton *new_run_button;
  AdwViewSwitcherTitle *switcher_title;
  GtkMenuButton *primary_menu_button;
  GtkStack *main_stack;
  AdwViewStack *view_stack;
  GtkStack *runs_stack;
  AdwStatusPage *welcome_page;
  GtkButton *demo_button;
  AdwBin *runs_bin;
  AdwBin *compare_bin;
  AdwBin *analysis_bin;
  AdwBin *experiments_bin;
  AdwBin *datasets_bin;
  AdwBin *run_bin;
  GtkRevealer *activity_revealer;
  GtkLabel *activity_label;
  GtkProgressBar *activity_bar;
  GtkToggleButton *activity_pause_button;
};

/* lab-window-pages.c */
void       lab_window_create_pages (LabWindow *self);
/* The live page of `run`, or NULL. */
GtkWidget *lab_window_create_run_page (LabWindow *self, gint64 run);
void       lab_window_new_run_action (GtkWidget *widget, const char *action, GVariant *param);
void       lab_window_show_analysis_action (GtkWidget *widget, const char *action,
                                            GVariant *param);

G_END_DECLS
