#!/usr/bin/env python3
"""Generate the MADE-UP default sample data for PINS Hub.

Writes, deterministically (fixed seed, Python standard library only):

  data/reference/schools_sample.csv      made-up schools in the GIAS "edubasealldata" format
                                         (Windows-1252, CRLF, real GIAS column names)
  data/reference/parent_carer_forums.csv made-up parent carer forums, one per LA (+ a few extra)
  tests/fixtures/gias_bad_rows.csv       a small GIAS-format file with known good and bad rows

None of the schools or forums is real: names, URNs, addresses and numbers are invented.
URNs start at 700001. LA codes and names are the real DfE ones from
data/reference/local_authorities.csv, so the sample joins the real reference data.

Usage: scripts/gen_sample_data.py [REPO_ROOT]   (default: the parent of this script's folder)
Running it twice gives byte-identical files.
"""

import csv
import datetime
import io
import os
import random
import sys

SEED = 20250604  # publication date of the DfE PINS guidance; any fixed value would do
FIRST_URN = 700001

# The sample covers every LA mapped to these ICBs, plus Essex (mapped to QH8 but split
# across QH8, QJG and QM7: see la_icb_splits.csv).
SAMPLE_ICBS = ("QK1", "QWO", "QOC")
EXTRA_LAS = ("881",)

# A subset of the real GIAS edubasealldata columns, in GIAS order.
GIAS_COLUMNS = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (code)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (code)",
    "EstablishmentStatus (name)",
    "ReasonEstablishmentOpened (name)",
    "OpenDate",
    "ReasonEstablishmentClosed (name)",
    "CloseDate",
    "PhaseOfEducation (code)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "NurseryProvision (name)",
    "OfficialSixthForm (name)",
    "Gender (code)",
    "Gender (name)",
    "ReligiousCharacter (name)",
    "SchoolCapacity",
    "NumberOfPupils",
    "Trusts (name)",
    "Street",
    "Town",
    "County (name)",
    "Postcode",
    "GOR (name)",
]

# TypeOfEstablishment (name) -> (type code, type group code, type group name)
TYPES = {
    "Community school": ("1", "4", "Local authority maintained schools"),
    "Voluntary aided school": ("2", "4", "Local authority maintained schools"),
    "Voluntary controlled school": ("3", "4", "Local authority maintained schools"),
    "Foundation school": ("5", "4", "Local authority maintained schools"),
    "Community special school": ("7", "5", "Special schools"),
    "Other independent school": ("11", "3", "Independent schools"),
    "Pupil referral unit": ("14", "4", "Local authority maintained schools"),
    "Local authority nursery school": ("15", "4", "Local authority maintained schools"),
    "Academy sponsor led": ("28", "10", "Academies"),
    "Academy converter": ("34", "10", "Academies"),
    "Free schools": ("35", "11", "Free Schools"),
    "Free schools 16 to 19": ("39", "11", "Free Schools"),
    "Academy special converter": ("44", "10", "Academies"),
}

STATUS_CODES = {
    "Open": "1",
    "Closed": "2",
    "Open, but proposed to close": "3",
    "Proposed to open": "4",
}

PHASE_CODES = {
    "Not applicable": "0",
    "Nursery": "1",
    "Primary": "2",
    "Middle deemed primary": "3",
    "Secondary": "4",
    "Middle deemed secondary": "5",
    "16 plus": "6",
    "All-through": "7",
}

# Per LA: county, GOR, and real place names with a plausible postcode district.
# Places are real; every school named after them is invented.
LA_PLACES = {
    "855": ("Leicestershire", "East Midlands", [
        ("Loughborough", "LE11"), ("Hinckley", "LE10"), ("Melton Mowbray", "LE13"),
        ("Market Harborough", "LE16"), ("Lutterworth", "LE17"), ("Coalville", "LE67"),
        ("Ashby-de-la-Zouch", "LE65"), ("Wigston", "LE18"), ("Syston", "LE7"),
        ("Shepshed", "LE12"), ("Broughton Astley", "LE9"), ("Kibworth", "LE8"),
        ("Earl Shilton", "LE9"), ("Quorn", "LE12"), ("Anstey", "LE7"), ("Enderby", "LE19")]),
    "856": ("Leicestershire", "East Midlands", [
        ("Belgrave", "LE4"), ("Aylestone", "LE2"), ("Braunstone", "LE3"), ("Evington", "LE5"),
        ("Humberstone", "LE5"), ("Knighton", "LE2"), ("Beaumont Leys", "LE4"),
        ("Rushey Mead", "LE4"), ("Westcotes", "LE3"), ("Eyres Monsell", "LE2"),
        ("New Parks", "LE3"), ("Stoneygate", "LE2"), ("Hamilton", "LE5"),
        ("Spinney Hills", "LE5"), ("Abbey", "LE4")]),
    "857": ("Rutland", "East Midlands", [
        ("Oakham", "LE15"), ("Uppingham", "LE15"), ("Cottesmore", "LE15"), ("Ketton", "PE9"),
        ("Empingham", "LE15"), ("Ryhall", "PE9"), ("Great Casterton", "PE9"),
        ("Edith Weston", "LE15"), ("Whissendine", "LE15"), ("Langham", "LE15"),
        ("Greetham", "LE15"), ("Market Overton", "LE15")]),
    "380": ("West Yorkshire", "Yorkshire and the Humber", [
        ("Keighley", "BD21"), ("Shipley", "BD18"), ("Bingley", "BD16"), ("Ilkley", "LS29"),
        ("Haworth", "BD22"), ("Thornton", "BD13"), ("Queensbury", "BD13"), ("Idle", "BD10"),
        ("Baildon", "BD17"), ("Eccleshill", "BD2"), ("Allerton", "BD15"), ("Wibsey", "BD6"),
        ("Low Moor", "BD12"), ("Silsden", "BD20"), ("Manningham", "BD8")]),
    "381": ("West Yorkshire", "Yorkshire and the Humber", [
        ("Halifax", "HX1"), ("Brighouse", "HD6"), ("Elland", "HX5"), ("Sowerby Bridge", "HX6"),
        ("Hebden Bridge", "HX7"), ("Todmorden", "OL14"), ("Ripponden", "HX6"),
        ("Northowram", "HX3"), ("Illingworth", "HX2"), ("Mytholmroyd", "HX7"),
        ("Shelf", "HX3"), ("Luddenden", "HX2"), ("Rastrick", "HD6")]),
    "382": ("West Yorkshire", "Yorkshire and the Humber", [
        ("Huddersfield", "HD1"), ("Holmfirth", "HD9"), ("Dewsbury", "WF13"), ("Batley", "WF17"),
        ("Mirfield", "WF14"), ("Heckmondwike", "WF16"), ("Cleckheaton", "BD19"),
        ("Marsden", "HD7"), ("Kirkburton", "HD8"), ("Birstall", "WF17"), ("Meltham", "HD9"),
        ("Slaithwaite", "HD7"), ("Lindley", "HD3"), ("Almondbury", "HD5")]),
    "383": ("West Yorkshire", "Yorkshire and the Humber", [
        ("Armley", "LS12"), ("Headingley", "LS6"), ("Chapeltown", "LS7"), ("Roundhay", "LS8"),
        ("Seacroft", "LS14"), ("Beeston", "LS11"), ("Bramley", "LS13"), ("Horsforth", "LS18"),
        ("Garforth", "LS25"), ("Rothwell", "LS26"), ("Morley", "LS27"), ("Otley", "LS21"),
        ("Wetherby", "LS22"), ("Pudsey", "LS28"), ("Yeadon", "LS19"), ("Guiseley", "LS20"),
        ("Cross Gates", "LS15"), ("Middleton", "LS10"), ("Kirkstall", "LS5")]),
    "384": ("West Yorkshire", "Yorkshire and the Humber", [
        ("Castleford", "WF10"), ("Pontefract", "WF8"), ("Normanton", "WF6"), ("Ossett", "WF5"),
        ("Horbury", "WF4"), ("Featherstone", "WF7"), ("Knottingley", "WF11"),
        ("Hemsworth", "WF9"), ("South Elmsall", "WF9"), ("Stanley", "WF3"), ("Outwood", "WF1"),
        ("Crofton", "WF4"), ("Sandal", "WF2")]),
    "893": ("Shropshire", "West Midlands", [
        ("Shrewsbury", "SY1"), ("Oswestry", "SY11"), ("Ludlow", "SY8"), ("Bridgnorth", "WV16"),
        ("Market Drayton", "TF9"), ("Whitchurch", "SY13"), ("Church Stretton", "SY6"),
        ("Wem", "SY4"), ("Bishop\u2019s Castle", "SY9"), ("Cleobury Mortimer", "DY14"),
        ("Much Wenlock", "TF13"), ("Ellesmere", "SY12"), ("Craven Arms", "SY7"),
        ("Pontesbury", "SY5"), ("Shifnal", "TF11"), ("Albrighton", "WV7")]),
    "894": ("Shropshire", "West Midlands", [
        ("Wellington", "TF1"), ("Newport", "TF10"), ("Madeley", "TF7"), ("Dawley", "TF4"),
        ("Oakengates", "TF2"), ("Donnington", "TF2"), ("Hadley", "TF1"), ("Ironbridge", "TF8"),
        ("Lawley", "TF4"), ("Priorslee", "TF2"), ("Brookside", "TF3"), ("Leegomery", "TF1"),
        ("Lilleshall", "TF10")]),
    "881": ("Essex", "East of England", [
        ("Chelmsford", "CM2"), ("Colchester", "CO4"), ("Basildon", "SS14"), ("Harlow", "CM20"),
        ("Braintree", "CM7"), ("Brentwood", "CM14"), ("Witham", "CM8"), ("Clacton-on-Sea", "CO15"),
        ("Saffron Walden", "CB11"), ("Maldon", "CM9"), ("Billericay", "CM12"), ("Wickford", "SS12"),
        ("Epping", "CM16"), ("Loughton", "IG10"), ("Great Dunmow", "CM6"), ("Halstead", "CO9"),
        ("Harwich", "CO12"), ("Rayleigh", "SS6"), ("Canvey Island", "SS8"), ("Coggeshall", "CO6")]),
}

# LA code -> (postal town for city districts, places that are postal towns themselves)
CITY_TOWNS = {
    "856": ("Leicester", ()),
    "383": ("Leeds", ("Otley", "Wetherby", "Pudsey", "Garforth", "Rothwell", "Morley")),
    "380": ("Bradford", ("Keighley", "Shipley", "Bingley", "Ilkley", "Silsden", "Baildon")),
}

GENERIC = [
    "Oakfield", "Meadowbank", "Willowbrook", "Brookside", "Highfield", "Hollybank", "Ashgrove",
    "Beechwood", "Fernhill", "Greenacres", "Kingsmead", "Larkrise", "Millbrook", "Northfield",
    "Orchard", "Parkside", "Riverside", "Rosewood", "Southfield", "Springfield", "Thornhill",
    "Westfield", "Woodlands", "Hazelwood", "Elmtree", "Foxwood", "Badger Hill", "Heronsgate",
    "Bluebell", "Cherry Tree", "Kestrel Rise", "Linden", "Maple Grove", "Primrose Hill",
    "Rowan Tree", "Sycamore", "Wren Park", "Chestnut Walk", "Falcon Ridge", "Juniper Green",
]

COFE_SAINTS = [
    "St Mary's", "St John's", "St Peter's", "St Paul's", "St Andrew's", "St Michael's",
    "St Margaret's", "St Chad's", "St Luke's", "St Barnabas", "Christ Church", "All Saints",
    "Holy Trinity", "St James'", "St Nicholas", "St Helen's",
]
RC_SAINTS = [
    "St Joseph's", "Holy Trinity", "Sacred Heart", "St Patrick's", "St Bernadette's",
    "English Martyrs", "Our Lady of Lourdes", "St Anne's", "Holy Cross", "St Thomas More",
    "St Francis", "Corpus Christi",
]

STREETS = ["Road", "Lane", "Street", "Avenue", "Way", "Drive", "Close", "Gardens"]
STREET_STEMS = [
    "School", "Church", "Station", "Mill", "Park", "Chapel", "Manor", "Victoria", "Albert",
    "Queen's", "King Street", "Green", "Hall", "Meadow", "Orchard", "Grange", "Vicarage",
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward part of real postcodes

PRIMARY_TYPES = [
    ("Community school", 34), ("Voluntary aided school", 10), ("Voluntary controlled school", 10),
    ("Foundation school", 5), ("Academy converter", 26), ("Academy sponsor led", 10),
    ("Free schools", 5),
]
SECONDARY_TYPES = [
    ("Academy converter", 45), ("Academy sponsor led", 25), ("Community school", 15),
    ("Voluntary aided school", 8), ("Foundation school", 7),
]


def fmt_date(d):
    return d.strftime("%d-%m-%Y") if d else ""


def last_day_of_month(year, month):
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def curly(name, rng):
    """Use the Windows-1252 right single quote (0x92) instead of ' in about a third of names."""
    if "'" in name and rng.random() < 0.35:
        return name.replace("'", "\u2019")
    return name


class LaBuilder:
    def __init__(self, rng, la_code, la_name):
        self.rng = rng
        self.la_code = la_code
        self.la_name = la_name
        self.county, self.gor, self.places = LA_PLACES[la_code]
        self.names = set()
        self.numbers = {}
        self.rows = []

    def est_number(self, series):
        # DfE establishment numbers: 1xxx nursery/PRU, 2xxx primary, 3xxx VA/VC primary,
        # 4xxx secondary, 52xx foundation, 6xxx independent, 7xxx special.
        n = self.numbers.get(series, series + self.rng.randint(0, 40))
        n += self.rng.randint(1, 9)
        self.numbers[series] = n
        return str(n)

    def place(self):
        return self.rng.choice(self.places)

    def unique(self, make):
        for _ in range(200):
            name = make()
            key = name.replace("\u2019", "'").lower()
            if key not in self.names:
                self.names.add(key)
                return name
        raise RuntimeError("could not make a unique name for LA " + self.la_code)

    def postcode(self, district):
        r = self.rng
        return "%s %d%s%s" % (district, r.randint(1, 9), r.choice(INWARD_LETTERS),
                              r.choice(INWARD_LETTERS))

    def street(self):
        r = self.rng
        stem = r.choice(STREET_STEMS)
        if stem.endswith("Street"):
            return stem
        return "%s %s" % (stem, r.choice(STREETS))

    def town(self, place):
        """Districts of the cities take the city as their postal town."""
        city = CITY_TOWNS.get(self.la_code)
        if city and place not in city[1]:
            return city[0]
        return place

    def old_open_date(self):
        """Older maintained schools: GIAS often leaves OpenDate empty."""
        r = self.rng
        if r.random() < 0.55:
            return None
        return datetime.date(r.randint(1968, 2008), r.choice([1, 9]), 1)

    def academy_open_date(self, first_year=2011):
        r = self.rng
        return datetime.date(r.randint(first_year, 2024), r.choice([1, 4, 6, 9, 11]), 1)

    def add(self, **kw):
        row = dict.fromkeys(GIAS_COLUMNS, "")
        tname = kw.pop("type")
        tcode, gcode, gname = TYPES[tname]
        status = kw.pop("status", "Open")
        phase = kw.pop("phase")
        place, district = kw.pop("place")
        row.update({
            "LA (code)": self.la_code,
            "LA (name)": self.la_name,
            "TypeOfEstablishment (code)": tcode,
            "TypeOfEstablishment (name)": tname,
            "EstablishmentTypeGroup (code)": gcode,
            "EstablishmentTypeGroup (name)": gname,
            "EstablishmentStatus (code)": STATUS_CODES[status],
            "EstablishmentStatus (name)": status,
            "PhaseOfEducation (code)": PHASE_CODES[phase],
            "PhaseOfEducation (name)": phase,
            "Gender (code)": "3",
            "Gender (name)": "Mixed",
            "Street": self.street(),
            "Town": self.town(place),
            "County (name)": self.county,
            "Postcode": self.postcode(district),
            "GOR (name)": self.gor,
            "ReasonEstablishmentOpened (name)": "Not applicable",
            "ReasonEstablishmentClosed (name)": "Not applicable",
        })
        if place != row["Town"]:
            row["Street"] = row["Street"] + ", " + place  # district folded into the street line
        for k, v in kw.items():
            row[k] = "" if v is None else (fmt_date(v) if isinstance(v, datetime.date) else str(v))
        if status == "Closed":
            row["SchoolCapacity"] = ""
            row["NumberOfPupils"] = ""
        self.rows.append(row)
        return row

    # --- establishment makers -------------------------------------------------------------

    def primary_name(self, tname, place):
        r = self.rng
        p = place[0]
        if tname == "Voluntary aided school" and r.random() < 0.65:
            return curly("%s Catholic Primary School" % r.choice(RC_SAINTS), r), "Roman Catholic"
        if tname in ("Voluntary aided school", "Voluntary controlled school"):
            form = r.choice(["%s Church of England Primary School",
                             "%s CofE Primary School",
                             "%s Church of England Voluntary Controlled Primary School"
                             if tname == "Voluntary controlled school" else
                             "%s Church of England Voluntary Aided Primary School"])
            saint = r.choice(COFE_SAINTS + [p, p])
            name = form % saint
            if saint != p and r.random() < 0.3:
                name += ", " + p
            return curly(name, r), "Church of England"
        if tname == "Free schools":
            return "%s %s" % (r.choice(GENERIC + [p]), r.choice(["Primary Free School",
                                                                    "Academy", "Primary"])), \
                "Does not apply"
        if tname.startswith("Academy") and r.random() < 0.15:
            return curly("%s Church of England Primary Academy" % r.choice(COFE_SAINTS), r), \
                "Church of England"
        stem = r.choice([p, p, r.choice(GENERIC), "%s %s" % (p, r.choice(["Park", "Fields",
                                                                        "Meadows", "Green"]))])
        if tname.startswith("Academy"):
            suffix = r.choice(["Primary Academy", "Primary School", "Academy", "Primary"])
        else:
            suffix = r.choice(["Primary School", "Primary School", "Community Primary School",
                               "Infant School", "Junior School", "Nursery and Infant School"])
        return "%s %s" % (stem, suffix), "Does not apply"

    def primary(self, tname=None, status="Open", **extra):
        r = self.rng
        if tname is None:
            tname = r.choices([t for t, _ in PRIMARY_TYPES], [w for _, w in PRIMARY_TYPES])[0]
        place = self.place()
        holder = {}

        def make():
            n, rel = self.primary_name(tname, place)
            holder["rel"] = rel
            return n
        name = self.unique(make)
        low, high = 4, 11
        if "Infant" in name:
            low, high = (3 if "Nursery" in name else 4), 7
        elif "Junior" in name:
            low, high = 7, 11
        elif r.random() < 0.3:
            low = 3
        nursery = "Has Nursery Classes" if low == 3 else "No Nursery Classes"
        cap = r.choice([90, 105, 140, 210, 210, 315, 420, 420, 630])
        if tname.startswith("Academy"):
            opened = self.academy_open_date()
            reason = "Academy Converter" if tname == "Academy converter" else "Academy Sponsor Led"
        elif tname == "Free schools":
            opened = datetime.date(r.randint(2013, 2022), 9, 1)
            reason = "New Provision"
        else:
            opened, reason = self.old_open_date(), "Not applicable"
        series = {"Voluntary aided school": 3000, "Voluntary controlled school": 3000,
                  "Foundation school": 5200}.get(tname, 2000)
        row = dict(type=tname, status=status, phase="Primary", place=place,
                   EstablishmentNumber=self.est_number(series), EstablishmentName=name,
                   OpenDate=opened, StatutoryLowAge=low, StatutoryHighAge=high,
                   **{"ReasonEstablishmentOpened (name)": reason,
                      "NurseryProvision (name)": nursery,
                      "OfficialSixthForm (name)": "Does not have a sixth form",
                      "ReligiousCharacter (name)": holder["rel"],
                      "SchoolCapacity": cap,
                      "NumberOfPupils": max(12, int(cap * r.uniform(0.62, 1.04)))})
        if tname.startswith("Academy") or tname == "Free schools":
            row["Trusts (name)"] = "%s Learning Trust" % r.choice(GENERIC)
        row.update(extra)
        return self.add(**row)

    def secondary(self):
        r = self.rng
        tname = r.choices([t for t, _ in SECONDARY_TYPES], [w for _, w in SECONDARY_TYPES])[0]
        place = self.place()
        rel = "Does not apply"
        if tname == "Voluntary aided school":
            name = self.unique(lambda: curly("%s Catholic %s" % (
                r.choice(RC_SAINTS), r.choice(["High School", "Academy", "College"])), r))
            rel = "Roman Catholic"
        else:
            name = self.unique(lambda: "%s %s" % (
                r.choice([place[0], place[0], r.choice(GENERIC)]),
                r.choice(["High School", "Academy", "School", "Community College",
                          "Secondary School"] if not tname.startswith("Academy")
                         else ["Academy", "Academy", "High School", "School"])))
        sixth = r.random() < 0.5
        cap = r.choice([750, 900, 1050, 1200, 1350, 1500, 1650, 1800])
        opened = self.academy_open_date() if tname.startswith("Academy") else self.old_open_date()
        row = dict(type=tname, phase="Secondary", place=place,
                   EstablishmentNumber=self.est_number(4000 if tname != "Foundation school"
                                                       else 5400),
                   EstablishmentName=name, OpenDate=opened, StatutoryLowAge=11,
                   StatutoryHighAge=18 if sixth else 16,
                   **{"ReasonEstablishmentOpened (name)":
                      "Academy Converter" if tname == "Academy converter" else
                      "Academy Sponsor Led" if tname == "Academy sponsor led" else
                      "Not applicable",
                      "NurseryProvision (name)": "No Nursery Classes",
                      "OfficialSixthForm (name)": "Has a sixth form" if sixth
                      else "Does not have a sixth form",
                      "ReligiousCharacter (name)": rel,
                      "SchoolCapacity": cap,
                      "NumberOfPupils": int(cap * r.uniform(0.7, 1.05))})
        if tname.startswith("Academy"):
            row["Trusts (name)"] = "%s Academy Trust" % r.choice(GENERIC)
        return self.add(**row)

    def special(self, tname):
        r = self.rng
        place = self.place()
        name = self.unique(lambda: "%s %s" % (r.choice(GENERIC), r.choice(
            ["School", "Park School", "Academy", "Specialist School"])))
        cap = r.choice([60, 80, 100, 120, 150, 180])
        row = dict(type=tname, phase="Not applicable", place=place,
                   EstablishmentNumber=self.est_number(7000), EstablishmentName=name,
                   OpenDate=self.academy_open_date(2012) if tname.startswith("Academy")
                   else self.old_open_date(),
                   StatutoryLowAge=r.choice([2, 3, 4]), StatutoryHighAge=r.choice([11, 16, 19]),
                   **{"ReasonEstablishmentOpened (name)":
                      "Academy Converter" if tname.startswith("Academy") else "Not applicable",
                      "NurseryProvision (name)": "Not applicable",
                      "OfficialSixthForm (name)": "Not applicable",
                      "ReligiousCharacter (name)": "Does not apply",
                      "SchoolCapacity": cap,
                      "NumberOfPupils": int(cap * r.uniform(0.85, 1.1))})
        if tname.startswith("Academy"):
            row["Trusts (name)"] = "%s Specialist Learning Trust" % r.choice(GENERIC)
        return self.add(**row)

    def pru(self):
        r = self.rng
        place = self.place()
        short = self.la_name.split(",")[0]
        name = self.unique(lambda: r.choice([
            "%s Pupil Referral Service" % short,
            "%s Learning Centre" % place[0],
            "%s Primary Pupil Referral Unit" % short]))
        return self.add(type="Pupil referral unit", phase="Not applicable", place=place,
                        EstablishmentNumber=self.est_number(1100), EstablishmentName=name,
                        OpenDate=datetime.date(r.randint(1995, 2015), 9, 1),
                        StatutoryLowAge=5, StatutoryHighAge=16,
                        **{"NurseryProvision (name)": "Not applicable",
                           "OfficialSixthForm (name)": "Not applicable",
                           "ReligiousCharacter (name)": "Does not apply",
                           "SchoolCapacity": "", "NumberOfPupils": r.randint(24, 70)})

    def independent(self):
        r = self.rng
        place = self.place()
        name = self.unique(lambda: r.choice([
            "%s House School" % r.choice(GENERIC),
            "%s Preparatory School" % place[0],
            "%s Independent School" % r.choice(GENERIC),
            "The %s School" % r.choice(GENERIC)]))
        cap = r.choice([120, 180, 250, 320, 450, 600])
        return self.add(type="Other independent school", phase="Not applicable", place=place,
                        EstablishmentNumber=self.est_number(6000), EstablishmentName=name,
                        OpenDate=self.old_open_date(), StatutoryLowAge=r.choice([3, 4, 7]),
                        StatutoryHighAge=r.choice([11, 13, 16, 18]),
                        **{"NurseryProvision (name)": "Not applicable",
                           "OfficialSixthForm (name)": "Not applicable",
                           "ReligiousCharacter (name)": r.choice(["None", "Christian",
                                                                  "Does not apply"]),
                           "SchoolCapacity": cap,
                           "NumberOfPupils": int(cap * r.uniform(0.5, 0.95))})

    def nursery(self):
        r = self.rng
        place = self.place()
        name = self.unique(lambda: "%s Nursery School" % r.choice([place[0], r.choice(GENERIC)]))
        return self.add(type="Local authority nursery school", phase="Nursery", place=place,
                        EstablishmentNumber=self.est_number(1000), EstablishmentName=name,
                        OpenDate=self.old_open_date(), StatutoryLowAge=2, StatutoryHighAge=5,
                        **{"NurseryProvision (name)": "Has Nursery Classes",
                           "OfficialSixthForm (name)": "Not applicable",
                           "ReligiousCharacter (name)": "Does not apply",
                           "SchoolCapacity": r.choice([80, 100, 120]),
                           "NumberOfPupils": r.randint(70, 120)})

    def other_phase(self, phase):
        """All-through, 16 plus and middle schools, so every GIAS phase value appears."""
        r = self.rng
        place = self.place()
        if phase == "All-through":
            tname, low, high, cap = "Free schools", 4, 18, 1680
            name = self.unique(lambda: "%s All-through Academy" % r.choice(GENERIC))
        elif phase == "16 plus":
            tname, low, high, cap = "Free schools 16 to 19", 16, 19, 600
            name = self.unique(lambda: "%s Sixth Form Academy" % place[0])
        elif phase == "Middle deemed primary":
            tname, low, high, cap = "Community school", 8, 12, 360
            name = self.unique(lambda: "%s Middle School" % r.choice(GENERIC))
        else:  # Middle deemed secondary
            tname, low, high, cap = "Academy converter", 10, 14, 540
            name = self.unique(lambda: "%s Middle School" % place[0])
        row = dict(type=tname, phase=phase, place=place,
                   EstablishmentNumber=self.est_number(4000 if high > 12 else 2000),
                   EstablishmentName=name,
                   OpenDate=datetime.date(r.randint(2014, 2021), 9, 1)
                   if tname != "Community school" else self.old_open_date(),
                   StatutoryLowAge=low, StatutoryHighAge=high,
                   **{"ReasonEstablishmentOpened (name)":
                      "New Provision" if tname.startswith("Free") else
                      "Academy Converter" if tname.startswith("Academy") else "Not applicable",
                      "NurseryProvision (name)": "No Nursery Classes",
                      "OfficialSixthForm (name)": "Has a sixth form" if high >= 18
                      else "Does not have a sixth form",
                      "ReligiousCharacter (name)": "Does not apply",
                      "SchoolCapacity": cap,
                      "NumberOfPupils": int(cap * r.uniform(0.6, 1.0))})
        if tname != "Community school":
            row["Trusts (name)"] = "%s Academy Trust" % r.choice(GENERIC)
        return self.add(**row)

    def closed(self):
        """A maintained primary closed some years ago (closure or merger)."""
        r = self.rng
        close = last_day_of_month(r.randint(2009, 2023), r.choice([3, 7, 8, 12]))
        row = self.primary(r.choice(["Community school", "Community school",
                                     "Voluntary controlled school", "Foundation school"]),
                           status="Closed")
        opened = row["OpenDate"]
        if opened and datetime.datetime.strptime(opened, "%d-%m-%Y").date() >= close:
            row["OpenDate"] = ""
        row["CloseDate"] = fmt_date(close)
        row["ReasonEstablishmentClosed (name)"] = r.choice(
            ["Closure", "Result of Amalgamation/Merger"])
        return row

    def conversion_pair(self):
        """A maintained primary that became an academy: old URN closed, new URN opened next day."""
        r = self.rng
        close = last_day_of_month(r.randint(2015, 2024), r.choice([3, 7, 8, 10, 12]))
        old = self.primary(r.choice(["Community school", "Voluntary controlled school"]),
                           status="Closed")
        old["OpenDate"] = ""
        old["CloseDate"] = fmt_date(close)
        old["ReasonEstablishmentClosed (name)"] = "Academy Converter"
        new = dict(old)
        tcode, gcode, gname = TYPES["Academy converter"]
        new.update({
            "EstablishmentNumber": self.est_number(2000),
            "TypeOfEstablishment (code)": tcode,
            "TypeOfEstablishment (name)": "Academy converter",
            "EstablishmentTypeGroup (code)": gcode,
            "EstablishmentTypeGroup (name)": gname,
            "EstablishmentStatus (code)": STATUS_CODES["Open"],
            "EstablishmentStatus (name)": "Open",
            "ReasonEstablishmentOpened (name)": "Academy Converter",
            "OpenDate": fmt_date(close + datetime.timedelta(days=1)),
            "ReasonEstablishmentClosed (name)": "Not applicable",
            "CloseDate": "",
            "SchoolCapacity": r.choice([210, 315, 420]),
            "Trusts (name)": "%s Learning Trust" % r.choice(GENERIC),
        })
        new["NumberOfPupils"] = int(int(new["SchoolCapacity"]) * r.uniform(0.7, 1.0))
        self.rows.append(new)  # same name: converters usually keep it


def build_schools(rng, las):
    chosen = [la for la in las if la["icb_ods_code"] in SAMPLE_ICBS or la["la_code"] in EXTRA_LAS]
    extra_phase = {"380": ["All-through"], "383": ["16 plus"], "855": ["Middle deemed secondary"],
                   "893": ["Middle deemed primary"]}
    nurseries = {"856", "383", "881"}
    rows = []
    for la in chosen:
        b = LaBuilder(rng, la["la_code"], la["name"])
        target = rng.randint(25, 40)
        b.conversion_pair()
        for _ in range(rng.randint(2, 3)):
            b.closed()
        for _ in range(rng.randint(3, 5)):
            b.secondary()
        for _ in range(rng.randint(1, 2)):
            b.special(rng.choice(["Community special school", "Academy special converter"]))
        b.pru()
        for _ in range(2):
            b.independent()
        if la["la_code"] in nurseries:
            b.nursery()
        for phase in extra_phase.get(la["la_code"], []):
            b.other_phase(phase)
        if rng.random() < 0.5:
            b.primary(status="Open, but proposed to close",
                      CloseDate=last_day_of_month(2026, 8),
                      **{"ReasonEstablishmentClosed (name)": "Closure"})
        if rng.random() < 0.4:
            b.primary("Free schools", status="Proposed to open",
                      OpenDate=datetime.date(2026, 9, 1), NumberOfPupils="")
        while len(b.rows) < target:
            b.primary()
        # Establishments in a conversion pair stay adjacent; everything else is shuffled so
        # URN order does not follow establishment type.
        pair, rest = b.rows[:2], b.rows[2:]
        rng.shuffle(rest)
        cut = rng.randint(0, len(rest))
        rows.extend(rest[:cut] + pair + rest[cut:])
    for i, row in enumerate(rows):
        row["URN"] = str(FIRST_URN + i)
    return chosen, rows


def write_gias_csv(path, rows):
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=GIAS_COLUMNS, lineterminator="\r\n",
                       quoting=csv.QUOTE_MINIMAL)
    w.writeheader()
    for row in rows:
        w.writerow(row)
    data = buf.getvalue().encode("cp1252")  # raises if anything is not Windows-1252
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def pcf_name(la_name):
    # "Bristol, City of" -> "Bristol"; "Herefordshire, County of" -> "Herefordshire"
    return la_name.split(",")[0]


def write_pcfs(path, las):
    second = {"856": "Leicester Parent Carer Network (sample)",
              "383": "Leeds Parent Carer Voice (sample)",
              "881": "Essex Parent Carer Group North (sample)"}
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "name", "la_code"])
    n = 0
    for la in las:
        w.writerow(["pcf-" + la["la_code"], pcf_name(la["name"]) + " Parent Carer Forum (sample)",
                    la["la_code"]])
        n += 1
        if la["la_code"] in second:
            w.writerow(["pcf-%s-b" % la["la_code"], second[la["la_code"]], la["la_code"]])
            n += 1
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    return n


def fixture_rows():
    """tests/fixtures/gias_bad_rows.csv: see tests/fixtures/README.md for the expectations."""
    def good(urn, name, **over):
        row = dict.fromkeys(GIAS_COLUMNS, "")
        row.update({
            "URN": urn, "LA (code)": "856", "LA (name)": "Leicester",
            "EstablishmentNumber": str(2901 + len(numbered)),
            "EstablishmentName": name,
            "TypeOfEstablishment (code)": "1", "TypeOfEstablishment (name)": "Community school",
            "EstablishmentTypeGroup (code)": "4",
            "EstablishmentTypeGroup (name)": "Local authority maintained schools",
            "EstablishmentStatus (code)": "1", "EstablishmentStatus (name)": "Open",
            "ReasonEstablishmentOpened (name)": "Not applicable", "OpenDate": "01-09-1998",
            "ReasonEstablishmentClosed (name)": "Not applicable", "CloseDate": "",
            "PhaseOfEducation (code)": "2", "PhaseOfEducation (name)": "Primary",
            "StatutoryLowAge": "4", "StatutoryHighAge": "11",
            "NurseryProvision (name)": "No Nursery Classes",
            "OfficialSixthForm (name)": "Does not have a sixth form",
            "Gender (code)": "3", "Gender (name)": "Mixed",
            "ReligiousCharacter (name)": "Does not apply",
            "SchoolCapacity": "210", "NumberOfPupils": "198",
            "Street": "School Lane", "Town": "Leicester", "County (name)": "Leicestershire",
            "Postcode": "LE2 9ZZ", "GOR (name)": "East Midlands",
        })
        row.update(over)
        numbered.append(urn)
        return row

    numbered = []
    return [
        good("880001", "Fixture Meadow Primary School"),                        # 1 good
        good("880002", "Fixture Brook Primary School", OpenDate=""),            # 2 good
        good("ABC123", "Fixture Letters Primary School"),                       # 3 bad URN
        good("880003", "Fixture Hill Primary School", StatutoryLowAge="3",
             **{"NurseryProvision (name)": "Has Nursery Classes"}),             # 4 good
        good("88004", "Fixture Short Urn Primary School"),                      # 5 bad URN
        good("880004", "Fixture Oak Academy",
             **{"TypeOfEstablishment (code)": "34",
                "TypeOfEstablishment (name)": "Academy converter",
                "EstablishmentTypeGroup (code)": "10",
                "EstablishmentTypeGroup (name)": "Academies",
                "ReasonEstablishmentOpened (name)": "Academy Converter",
                "OpenDate": "01-04-2019"}),                                     # 6 good
        good("880101", "Fixture Nowhere Primary School",
             **{"LA (code)": "999", "LA (name)": "Unknown"}),                   # 7 bad LA
        good("880005", "Fixture Willow Primary School"),                        # 8 good
        good("880102", ""),                                                     # 9 bad name
        good("880103", "Fixture Phase Primary School",
             **{"PhaseOfEducation (code)": "",
                "PhaseOfEducation (name)": "Reception"}),                       # 10 bad phase
        good("880006", 'The "Old Mill", Aylestone Primary School'),             # 11 good (quoted)
        good("880007", "St Mary\u2019s Church of England Primary School",
             **{"TypeOfEstablishment (code)": "3",
                "TypeOfEstablishment (name)": "Voluntary controlled school",
                "ReligiousCharacter (name)": "Church of England"}),             # 12 good (0x92)
    ]


def read_las(root):
    with open(os.path.join(root, "data/reference/local_authorities.csv"), encoding="utf-8",
              newline="") as f:
        return list(csv.DictReader(f))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))
    rng = random.Random(SEED)
    las = read_las(root)
    chosen, rows = build_schools(rng, las)
    size = write_gias_csv(os.path.join(root, "data/reference/schools_sample.csv"), rows)
    npcf = write_pcfs(os.path.join(root, "data/reference/parent_carer_forums.csv"), las)
    fx = fixture_rows()
    write_gias_csv(os.path.join(root, "tests/fixtures/gias_bad_rows.csv"), fx)
    print("schools_sample.csv: %d schools in %d LAs, URNs %s-%s, %d bytes"
          % (len(rows), len(chosen), rows[0]["URN"], rows[-1]["URN"], size))
    print("parent_carer_forums.csv: %d forums" % npcf)
    print("tests/fixtures/gias_bad_rows.csv: %d data rows" % len(fx))


if __name__ == "__main__":
    main()
