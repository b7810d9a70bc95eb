# SPDX-License-Identifier: MIT
# Regenerates tests/reference/data/asem/coinr_method_scores.csv and the two
# goalposts models beside the other reference models, with COINr 1.1.14 on its
# ASEM example: every method of doc/methods.md that make_scores.R and the
# original twelve pipelines (coinr_scores.csv) do not cover. Where COINr has
# no such method (weighted median, Mazziotta-Pareto) or a defect (log_GII
# returns its input), the function is written out here from the formula in
# doc/methods.md and handed to COINr's Aggregate / Treat. COINr is not vendored:
# install it as make_scores.R says, then, from the repository's top folder:
#   R_LIBS=/tmp/rlib Rscript tests/reference/coinr/make_method_scores.R
suppressPackageStartupMessages(library(COINr))
stopifnot(as.character(packageVersion("COINr")) == "1.1.14")

out_dir <- "tests/reference/data/asem"
model_dir <- "tests/reference/models"
idata <- read.csv(file.path(out_dir, "iData.csv"), check.names = FALSE)
imeta <- as.data.frame(ASEM_iMeta)
icodes <- imeta$iCode[imeta$Type == "Indicator"]
stopifnot(isTRUE(all.equal(idata, as.data.frame(ASEM_iData)[names(idata)],
                           check.attributes = FALSE, tolerance = 1e-14)))

coin_of <- function(d, meta = imeta) suppressMessages(new_coin(d, meta, quietly = TRUE))
minmax <- list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100)))
norm_agg <- function(coin, dset, specs = minmax, f_ag = "a_amean", ...) {
  coin <- suppressMessages(Normalise(coin, dset = dset, global_specs = specs))
  Aggregate(coin, dset = "Normalised", f_ag = f_ag, ...)
}

# ---- normalisations ----
# n_scaled with its parameters in iMeta (COINr negates them with the values of
# a direction -1 indicator): the same l, u and factor for every indicator.
meta_scaled <- imeta
meta_scaled$scaled_lower <- 0
meta_scaled$scaled_upper <- 200
meta_scaled$scale_factor <- 50
# a unit with every indicator present and none at its minimum (where COINr
# divides by 0); iref is its row in the coin, whose rows new_coin sorts by uCode
ref_unit <- "FRA"
iref <- which(get_dset(coin_of(idata), "Raw")$uCode == ref_unit)

# goalposts per indicator at its 10 % and 90 % quantiles, so that some values
# fall beyond the posts on either side; the same posts go into the models.
meta_gp <- imeta
is_ind <- meta_gp$Type == "Indicator"
q <- sapply(icodes, function(i) quantile(idata[[i]], c(0.1, 0.9), na.rm = TRUE, names = FALSE))
meta_gp$goalpost_lower[is_ind] <- q[1, ]
meta_gp$goalpost_upper[is_ind] <- q[2, ]
meta_gp$goalpost_scale <- 100
gp_model <- function(name, trunc) {
  path <- file.path(model_dir, paste0("asem_", name, ".ini"))
  head <- c("; SPDX-License-Identifier: MIT",
            paste0("; asem_", name, ".ini - COINr 1.1.14 reference pipeline \"", name,
                   "\" on the ASEM example"),
            "; Written by ../coinr/make_method_scores.R: goalposts at each indicator's",
            "; 10 % and 90 % quantiles, scaled by 100, then arithmetic means.", "",
            "[index]", "meta = ../data/asem/iMeta.csv", "unit_column = uCode",
            "name_column = uName", "scope = period", "denominate = no",
            "normalise = goalposts", "range = 0, 100",
            paste0("goalposts_trunc = ", if (trunc) "yes" else "no"), "aggregate = arithmetic")
  secs <- unlist(lapply(seq_along(icodes), function(k)
    c("", paste0("[indicator ", icodes[k], "]"),
      sprintf("goalposts = %.17g, %.17g", q[1, k], q[2, k]))))
  writeLines(c(head, secs), path)
}
goalposts <- function(trunc) {
  m <- meta_gp
  m$goalpost_trunc2posts <- trunc
  norm_agg(coin_of(idata, m), "Raw", list(f_n = "n_goalposts", f_n_para = "use_iMeta"))
}
gp_model("goalposts_arith", TRUE)
gp_model("goalposts_untrunc_arith", FALSE)

# fracmax needs a positive maximum once the direction is applied (libpingan
# stops where COINr divides by a negative one): every direction set to 1, in
# the model by a section per indicator whose iMeta direction is -1.
meta_pos <- imeta
meta_pos$Direction[meta_pos$Type == "Indicator"] <- 1
flipped <- imeta$iCode[imeta$Type == "Indicator" & imeta$Direction == -1]
writeLines(c("; SPDX-License-Identifier: MIT",
             "; asem_fracmax_arith.ini - COINr 1.1.14 reference pipeline \"fracmax_arith\" on the ASEM example",
             "; Written by ../coinr/make_method_scores.R: COINr n_fracmax with every direction 1",
             "; (the sections below override iMeta's -1), then arithmetic means.", "",
             "[index]", "meta = ../data/asem/iMeta.csv", "unit_column = uCode",
             "name_column = uName", "scope = period", "denominate = no",
             "normalise = fracmax", "aggregate = arithmetic",
             unlist(lapply(flipped, function(i) c("", paste0("[indicator ", i, "]"),
                                                  "direction = 1")))),
           file.path(model_dir, "asem_fracmax_arith.ini"))

# ---- aggregations COINr does not have, from doc/methods.md ----
# weighted median: the children sorted, the first value whose cumulative weight
# reaches half the total; exactly half: the mean of it and the next
a_wmedian <- function(x, w) {
  keep <- !is.na(x)
  if (!any(keep)) return(NA)
  x <- x[keep]; w <- w[keep]
  o <- order(x); x <- x[o]; w <- w[o]
  half <- sum(w) / 2
  cw <- cumsum(w)
  k <- which(cw >= half)[1]
  if (isTRUE(all.equal(cw[k], half, tolerance = 1e-14)) && k < length(x))
    (x[k] + x[k + 1]) / 2 else x[k]
}
# Mazziotta-Pareto, penalty negative: M - S*S/M with the weighted population sd
a_mpi <- function(x, w) {
  keep <- !is.na(x)
  if (!any(keep)) return(NA)
  x <- x[keep]; w <- w[keep] / sum(w[keep])
  M <- sum(w * x)
  S <- sqrt(sum(w * (x - M)^2))
  if (S == 0) M else M - S * S / M
}

# ---- treatment ----
sk <- list(na.rm = TRUE, skew_thresh = 2, kurt_thresh = 3.5)
# log_GII as COINr writes it, returning the transformed values (COINr returns x)
log_GII_fixed <- function(x, na.rm = FALSE) {
  mx <- max(x, na.rm = na.rm)
  mn <- min(x, na.rm = na.rm)
  list(x = log((mx - 1) * (x - mn) / (mx - mn) + 1), treated = rep("log_GII", length(x)))
}
treat <- function(f2, f2_para = list(na.rm = TRUE), winmax = 1, force_win = FALSE,
                  combine = FALSE) {
  spec <- list(f1 = "winsorise", f1_para = c(list(winmax = winmax, force_win = force_win), sk),
               f_pass = "check_SkewKurt", f_pass_para = sk, f2 = f2, f2_para = f2_para)
  coin <- suppressMessages(Treat(coin_of(idata), dset = "Raw", global_specs = spec,
                                 combine_treat = combine))
  norm_agg(coin, "Treated")
}

# ---- screening: COINr drops the units screened out; they are NA below ----
low <- idata$uCode[order(1 - rowMeans(is.na(idata[icodes])), decreasing = FALSE)][1]
screen <- function(how, ...) {
  coin <- Screen(coin_of(idata), dset = "Raw", unit_screen = how, ...)
  norm_agg(coin, "Screened")
}
force <- data.frame(uCode = c(low, "AUT"), Include = c(TRUE, FALSE))

imputed <- function(...) suppressMessages(Impute(coin_of(idata), dset = "Raw", ...))

# Imputation along the periods: COINr's panel (ASEM_iData_p, 2018-2022) with its
# indicators, written beside iData.csv; impute_panel, then one period scored.
# Its gaps are the same in every year, so every 7th value of 2020 and every
# 5th of 2022 is taken out to leave something to impute from other years.
panel <- as.data.frame(ASEM_iData_p)[c(names(idata), "Time")]
for (yr in c(2020, 2022)) {
  rows <- which(panel$Time == yr)
  m <- as.matrix(panel[rows, icodes])
  m[seq(3, length(m), by = if (yr == 2020) 7 else 5)] <- NA
  panel[rows, icodes] <- m
}
write.csv(panel, file.path(out_dir, "iData_panel.csv"), row.names = FALSE, na = "")
panel_period <- function(imp_type, year) {
  p <- suppressMessages(impute_panel(panel, cols = icodes, imp_type = imp_type))$iData_imp
  p <- p[p$Time == year, names(idata)]
  stopifnot(sum(is.na(p[icodes])) < sum(is.na(panel[panel$Time == year, icodes])))
  norm_agg(coin_of(p), "Raw")
}

pipelines <- list(
  scaled_arith = norm_agg(coin_of(idata, meta_scaled), "Raw",
                          list(f_n = "n_scaled", f_n_para = "use_iMeta")),
  dist2ref_arith = norm_agg(coin_of(idata), "Raw",
                            list(f_n = "n_dist2ref", f_n_para = list(iref = iref))),
  dist2max_arith = norm_agg(coin_of(idata), "Raw", list(f_n = "n_dist2max")),
  dist2targ_arith = norm_agg(coin_of(idata), "Raw",
                             list(f_n = "n_dist2targ", f_n_para = "use_iMeta")),
  none_arith = norm_agg(coin_of(idata), "Raw", list(f_n = "none")),
  fracmax_arith = norm_agg(coin_of(idata, meta_pos), "Raw", list(f_n = "n_fracmax")),
  goalposts_arith = goalposts(TRUE),
  goalposts_untrunc_arith = goalposts(FALSE),
  minmax_median = norm_agg(coin_of(idata), "Raw", f_ag = "a_wmedian", by_df = FALSE),
  minmax_mpi_imputed = norm_agg(imputed(), "Imputed", f_ag = "a_mpi"),
  minmax_genmean_imputed = norm_agg(imputed(), "Imputed", f_ag = "a_genmean",
                                    f_ag_para = list(p = 2)),
  impute_latest_p2022_minmax_arith = panel_period("latest", 2022),
  impute_linear_p2020_minmax_arith = panel_period("linear", 2020),
  impute_group_median_minmax_arith = norm_agg(imputed(f_i = "i_median_grp",
                                                      use_group = "EurAsia_group"), "Imputed"),
  treat_orig_minmax_arith = treat("log_CT_orig"),
  treat_gii_minmax_arith = treat("log_GII_fixed"),
  treat_boxcox_minmax_arith = treat("boxcox", list(lambda = 0.5, na.rm = TRUE)),
  treat_combine_minmax_arith = treat("log_CT", combine = TRUE),
  treat_force_minmax_arith = treat("log_CT", winmax = 3, force_win = TRUE),
  treat_winonly_minmax_arith = treat(NULL, NULL),
  screen_zeros_minmax_arith = screen("byzeros", nonzero_thresh = 0.95),
  screen_either_force_minmax_arith = screen("byNAandzeros", dat_thresh = 0.9,
                                            nonzero_thresh = 0.95, Force = force),
  dat_thresh_minmax_arith = norm_agg(coin_of(idata), "Raw", dat_thresh = 0.9),
  dat_thresh_levels_minmax_arith = norm_agg(coin_of(idata), "Raw",
                                            dat_thresh = c(0.95, 0.8, 0.6)))

nodes <- imeta$iCode[imeta$Type %in% c("Indicator", "Aggregate")]
long <- do.call(rbind, lapply(names(pipelines), function(p) {
  d <- get_dset(pipelines[[p]], "Aggregated")
  d <- d[match(idata$uCode, d$uCode), ] # screened-out units: a row of NA
  do.call(rbind, lapply(nodes, function(n)
    data.frame(pipeline = p, unit = idata$uCode, node = n, score = d[[n]])))
}))
stopifnot(nrow(long) == length(pipelines) * 51 * 60)

path <- file.path(out_dir, "coinr_method_scores.csv")
con <- file(path, "w")
writeLines(c("# COINr 1.1.14 (tag v1.1.14, 338b21ce) on its ASEM example; generated by",
             "# R_LIBS=/tmp/rlib Rscript tests/reference/coinr/make_method_scores.R",
             paste0("# dist2ref_arith: ref_unit ", ref_unit, "; screen_either_force: forced in ",
                    low, ", out AUT")), con)
long$score <- ifelse(is.na(long$score), "", sprintf("%.17g", long$score))
write.csv(long, con, row.names = FALSE)
close(con)

# What the models rely on, checked here too.
sc <- function(p) long$score[long$pipeline == p]
cat("goalposts: truncating changes", sum(sc("goalposts_arith") != sc("goalposts_untrunc_arith")),
    "scores\n")
out <- long$pipeline == "screen_zeros_minmax_arith" & long$node == "Index" & long$score == ""
cat("screened out by zeros:", long$unit[out], "\n")
cat("forced in:", low, "\n")
# the options change something: combine_treat and force_win against their plain runs
differs <- function(a, b) {
  da <- get_dset(a, "Aggregated"); db <- get_dset(b, "Aggregated")
  sum(abs(as.matrix(da[nodes]) - as.matrix(db[nodes])) > 1e-9, na.rm = TRUE)
}
n_comb <- differs(pipelines$treat_combine_minmax_arith, treat("log_CT"))
n_force <- differs(pipelines$treat_force_minmax_arith, treat("log_CT", winmax = 3))
cat("combine_treat changes", n_comb, "scores, force_win", n_force, "\n")
stopifnot(n_comb > 0, n_force > 0)
