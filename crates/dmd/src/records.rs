//! The typed records of the dm+d files.

use jiff::civil::Date;

use crate::Decimal;

/// One of the eight files of a weekly release, named by what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    /// `f_lookup`: the code tables (units, forms, routes, suppliers, …).
    Lookup,
    /// `f_ingredient`: ingredient substances.
    Ingredient,
    /// `f_vtm`: virtual therapeutic moieties.
    Vtm,
    /// `f_vmp`: virtual medicinal products and their ingredients, forms,
    /// routes and controlled-drug category.
    Vmp,
    /// `f_amp`: actual medicinal products, their excipients and licensed routes.
    Amp,
    /// `f_vmpp`: virtual medicinal product packs.
    Vmpp,
    /// `f_ampp`: actual medicinal product packs.
    Ampp,
    /// `f_gtin` (from the nested GTIN zip): the GTINs of the AMPPs.
    Gtin,
}

impl FileKind {
    /// All eight, in load order (referenced rows before the rows referring to them).
    pub const ALL: [FileKind; 8] = [
        FileKind::Lookup,
        FileKind::Ingredient,
        FileKind::Vtm,
        FileKind::Vmp,
        FileKind::Amp,
        FileKind::Vmpp,
        FileKind::Ampp,
        FileKind::Gtin,
    ];

    /// The root element the file must have.
    ///
    /// ```
    /// use bedside_dmd::FileKind;
    /// assert_eq!(FileKind::Vmp.root(), "VIRTUAL_MED_PRODUCTS");
    /// ```
    #[must_use]
    pub fn root(self) -> &'static str {
        match self {
            FileKind::Lookup => "LOOKUP",
            FileKind::Ingredient => "INGREDIENT_SUBSTANCES",
            FileKind::Vtm => "VIRTUAL_THERAPEUTIC_MOIETIES",
            FileKind::Vmp => "VIRTUAL_MED_PRODUCTS",
            FileKind::Amp => "ACTUAL_MEDICINAL_PRODUCTS",
            FileKind::Vmpp => "VIRTUAL_MED_PRODUCT_PACK",
            FileKind::Ampp => "ACTUAL_MEDICINAL_PROD_PACKS",
            FileKind::Gtin => "GTIN_DETAILS",
        }
    }

    /// The type word of the NHSBSA file name (`vmp` in `f_vmp2_3260821.xml`).
    #[must_use]
    pub fn file_word(self) -> &'static str {
        match self {
            FileKind::Lookup => "lookup",
            FileKind::Ingredient => "ingredient",
            FileKind::Vtm => "vtm",
            FileKind::Vmp => "vmp",
            FileKind::Amp => "amp",
            FileKind::Vmpp => "vmpp",
            FileKind::Ampp => "ampp",
            FileKind::Gtin => "gtin",
        }
    }

    /// The kind whose [`file_word`](Self::file_word) is `word`.
    #[must_use]
    pub fn from_file_word(word: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.file_word() == word)
    }

    /// The schema file NHSBSA names in the root's `xsi:noNamespaceSchemaLocation`.
    #[must_use]
    pub fn schema(self) -> &'static str {
        match self {
            FileKind::Lookup => "lookup_v2_3.xsd",
            FileKind::Ingredient => "ingredient_v2_3.xsd",
            FileKind::Vtm => "vtm_v2_3.xsd",
            FileKind::Vmp => "vmp_v2_3.xsd",
            FileKind::Amp => "amp_v2_3.xsd",
            FileKind::Vmpp => "vmpp_v2_3.xsd",
            FileKind::Ampp => "ampp_v2_3.xsd",
            FileKind::Gtin => "gtin_v2_0.xsd",
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.file_word())
    }
}

/// One code of a lookup table: `f_lookup` `<TABLE><INFO>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupEntry {
    /// The table's element name (`UNIT_OF_MEASURE`, `ROUTE`, `CONTROL_DRUG_CATEGORY`, …).
    pub table: String,
    /// `CD`: the code (a SNOMED CT id, or a zero-padded code such as `0002`), as written.
    pub code: String,
    /// `DESC`: the description.
    pub desc: String,
    /// `CDPREV`: the code this one replaced, if any.
    pub prev_code: Option<String>,
    /// `INVALID` = 1 (absent means valid).
    pub invalid: bool,
}

/// An ingredient substance: `f_ingredient` `<ING>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingredient {
    /// `ISID`: the substance id (digits).
    pub isid: String,
    /// `ISIDPREV`: the previous id, if the id changed.
    pub isid_prev: Option<String>,
    /// `INVALID` = 1.
    pub invalid: bool,
    /// `NM`: the name.
    pub name: String,
}

/// A virtual therapeutic moiety: `f_vtm` `<VTM>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vtm {
    /// `VTMID` (digits).
    pub vtmid: String,
    /// `VTMIDPREV`: the previous id, if the id changed.
    pub vtmid_prev: Option<String>,
    /// `INVALID` = 1.
    pub invalid: bool,
    /// `NM`: the name.
    pub name: String,
}

/// A virtual medicinal product: `f_vmp` `<VMPS><VMP>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vmp {
    /// `VPID` (digits).
    pub vpid: String,
    /// `VPIDPREV`: the previous id, if the id changed.
    pub vpid_prev: Option<String>,
    /// `VTMID`: the moiety, if any (devices have none).
    pub vtmid: Option<String>,
    /// `INVALID` = 1.
    pub invalid: bool,
    /// `NM`: the name.
    pub name: String,
    /// `DF_INDCD`: dose-form indicator code (`1` discrete, `2` continuous,
    /// `3` not applicable; lookup `DF_INDICATOR`), as written.
    pub df_ind: Option<String>,
    /// `UDFS`: unit dose form size (discrete forms only), e.g. `2` (ml per vial).
    pub udfs: Option<Decimal>,
    /// `UDFS_UOMCD`: the unit of [`udfs`](Self::udfs) (lookup `UNIT_OF_MEASURE`).
    pub udfs_uom: Option<String>,
    /// `UNIT_DOSE_UOMCD`: the unit that is handled: tablet, vial, ampoule, …
    /// (lookup `UNIT_OF_MEASURE`).
    pub unit_dose_uom: Option<String>,
    /// `NON_AVAILCD`: non-availability code (lookup `VIRTUAL_PRODUCT_NON_AVAIL`).
    pub non_avail: Option<String>,
    /// `PRES_STATCD`: prescribing status code (lookup `VIRTUAL_PRODUCT_PRES_STATUS`).
    pub pres_stat: String,
}

/// One ingredient's strength in a VMP: `f_vmp` `<VIRTUAL_PRODUCT_INGREDIENT><VPI>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vpi {
    /// `VPID`: the product.
    pub vpid: String,
    /// `ISID`: the ingredient substance.
    pub isid: String,
    /// `BASIS_STRNTCD`: basis of strength (`0001` ingredient substance,
    /// `0002` base substance; lookup `BASIS_OF_STRNTH`).
    pub basis_strength: Option<String>,
    /// `BS_SUBID`: the base substance, when the strength is of the base.
    pub bs_subid: Option<String>,
    /// `STRNT_NMRTR_VAL`: strength numerator.
    pub numerator: Option<Decimal>,
    /// `STRNT_NMRTR_UOMCD`: its unit.
    pub numerator_uom: Option<String>,
    /// `STRNT_DNMTR_VAL`: strength denominator (absent for solids).
    pub denominator: Option<Decimal>,
    /// `STRNT_DNMTR_UOMCD`: its unit.
    pub denominator_uom: Option<String>,
}

/// A VMP's formulation: `f_vmp` `<DRUG_FORM><DFORM>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmpForm {
    /// `VPID`.
    pub vpid: String,
    /// `FORMCD` (lookup `FORM`).
    pub form: String,
}

/// One route of a VMP: `f_vmp` `<DRUG_ROUTE><DROUTE>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmpRoute {
    /// `VPID`.
    pub vpid: String,
    /// `ROUTECD` (lookup `ROUTE`).
    pub route: String,
}

/// A VMP's controlled-drug category: `f_vmp` `<CONTROL_DRUG_INFO><CONTROL_INFO>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlInfo {
    /// `VPID`.
    pub vpid: String,
    /// `CATCD` (lookup `CONTROL_DRUG_CATEGORY`: `0000` none, `0002` Schedule 2 (CD), …).
    pub category: String,
}

/// An actual medicinal product: `f_amp` `<AMPS><AMP>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amp {
    /// `APID` (digits).
    pub apid: String,
    /// `VPID`: its VMP.
    pub vpid: String,
    /// `INVALID` = 1.
    pub invalid: bool,
    /// `NM`: the name.
    pub name: String,
    /// `DESC`: name and supplier.
    pub desc: String,
    /// `SUPPCD`: the supplier (lookup `SUPPLIER`).
    pub supplier: String,
}

/// An excipient of an AMP: `f_amp` `<AP_INGREDIENT><AP_ING>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApIngredient {
    /// `APID`.
    pub apid: String,
    /// `ISID`: the excipient substance.
    pub isid: String,
}

/// A licensed route of an AMP: `f_amp` `<LICENSED_ROUTE><LIC_ROUTE>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicensedRoute {
    /// `APID`.
    pub apid: String,
    /// `ROUTECD` (lookup `ROUTE`).
    pub route: String,
}

/// A virtual medicinal product pack: `f_vmpp` `<VMPPS><VMPP>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vmpp {
    /// `VPPID` (digits).
    pub vppid: String,
    /// `VPID`: its VMP.
    pub vpid: String,
    /// `INVALID` = 1.
    pub invalid: bool,
    /// `NM`: the name.
    pub name: String,
    /// `QTYVAL`: pack quantity.
    pub qty: Option<Decimal>,
    /// `QTY_UOMCD`: its unit (lookup `UNIT_OF_MEASURE`).
    pub qty_uom: Option<String>,
}

/// An actual medicinal product pack: `f_ampp` `<AMPPS><AMPP>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ampp {
    /// `APPID` (digits).
    pub appid: String,
    /// `VPPID`: its VMPP.
    pub vppid: String,
    /// `APID`: its AMP.
    pub apid: String,
    /// `INVALID` = 1.
    pub invalid: bool,
    /// `NM`: the name.
    pub name: String,
    /// `LEGAL_CATCD` (lookup `LEGAL_CATEGORY`).
    pub legal_category: String,
    /// `DISCCD`: discontinued flag code (lookup `DISCONTINUED_IND`), if any.
    pub discontinued: Option<String>,
}

/// One GTIN of an AMPP: `f_gtin` `<AMPP><GTINDATA>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GtinEntry {
    /// `AMPPID`: the pack (an `APPID` of `f_ampp`).
    pub amppid: String,
    /// `GTIN`, always 14 digits (a GTIN-13 is left-padded with `0`), GS1
    /// check digit verified: compare it with AI (01) as scanned.
    pub gtin: String,
    /// `STARTDT`: first day of use.
    pub start: Date,
    /// `ENDDT`: last day of use, if the GTIN was superseded.
    pub end: Option<Date>,
}

/// One record of any file, as [`read`](crate::read) hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// `f_lookup`.
    Lookup(LookupEntry),
    /// `f_ingredient`.
    Ingredient(Ingredient),
    /// `f_vtm`.
    Vtm(Vtm),
    /// `f_vmp` `VMP`.
    Vmp(Vmp),
    /// `f_vmp` `VPI`.
    Vpi(Vpi),
    /// `f_vmp` `DFORM`.
    VmpForm(VmpForm),
    /// `f_vmp` `DROUTE`.
    VmpRoute(VmpRoute),
    /// `f_vmp` `CONTROL_INFO`.
    ControlInfo(ControlInfo),
    /// `f_amp` `AMP`.
    Amp(Amp),
    /// `f_amp` `AP_ING`.
    ApIngredient(ApIngredient),
    /// `f_amp` `LIC_ROUTE`.
    LicensedRoute(LicensedRoute),
    /// `f_vmpp` `VMPP`.
    Vmpp(Vmpp),
    /// `f_ampp` `AMPP`.
    Ampp(Ampp),
    /// `f_gtin` `GTINDATA`.
    Gtin(GtinEntry),
}

/// How many records of each type a [`read`](crate::read) handed over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Lookup codes (all tables).
    pub lookup: u64,
    /// Ingredient substances.
    pub ingredient: u64,
    /// VTMs.
    pub vtm: u64,
    /// VMPs.
    pub vmp: u64,
    /// VPI rows.
    pub vpi: u64,
    /// DFORM rows.
    pub vmp_form: u64,
    /// DROUTE rows.
    pub vmp_route: u64,
    /// CONTROL_INFO rows.
    pub control_info: u64,
    /// AMPs.
    pub amp: u64,
    /// AP_ING rows.
    pub ap_ingredient: u64,
    /// LIC_ROUTE rows.
    pub licensed_route: u64,
    /// VMPPs.
    pub vmpp: u64,
    /// AMPPs.
    pub ampp: u64,
    /// GTIN entries (`GTINDATA`, not `AMPP` elements).
    pub gtin: u64,
}

impl Counts {
    /// The count of the file's main record (`vmp` for [`FileKind::Vmp`], …).
    #[must_use]
    pub fn main(&self, kind: FileKind) -> u64 {
        match kind {
            FileKind::Lookup => self.lookup,
            FileKind::Ingredient => self.ingredient,
            FileKind::Vtm => self.vtm,
            FileKind::Vmp => self.vmp,
            FileKind::Amp => self.amp,
            FileKind::Vmpp => self.vmpp,
            FileKind::Ampp => self.ampp,
            FileKind::Gtin => self.gtin,
        }
    }

    /// All records of every type.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.lookup
            + self.ingredient
            + self.vtm
            + self.vmp
            + self.vpi
            + self.vmp_form
            + self.vmp_route
            + self.control_info
            + self.amp
            + self.ap_ingredient
            + self.licensed_route
            + self.vmpp
            + self.ampp
            + self.gtin
    }

    pub(crate) fn add(&mut self, record: &Record) {
        let n = match record {
            Record::Lookup(_) => &mut self.lookup,
            Record::Ingredient(_) => &mut self.ingredient,
            Record::Vtm(_) => &mut self.vtm,
            Record::Vmp(_) => &mut self.vmp,
            Record::Vpi(_) => &mut self.vpi,
            Record::VmpForm(_) => &mut self.vmp_form,
            Record::VmpRoute(_) => &mut self.vmp_route,
            Record::ControlInfo(_) => &mut self.control_info,
            Record::Amp(_) => &mut self.amp,
            Record::ApIngredient(_) => &mut self.ap_ingredient,
            Record::LicensedRoute(_) => &mut self.licensed_route,
            Record::Vmpp(_) => &mut self.vmpp,
            Record::Ampp(_) => &mut self.ampp,
            Record::Gtin(_) => &mut self.gtin,
        };
        *n += 1;
    }
}
