"""Scorecards typed into workbooks the way shops lay them out (fixtures for tests/test_adopt*.py).

Each builder writes an .xlsx with openpyxl: a merged title, a header row,
multi-line numbered rules in one cell, items merged over several rows, a 合计
row, signature lines, and a commission or grade table beside the items.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# S1 朵以网店客服考核表, in the shop's own words (the rule texts of cskpi_xl/schemes/duoyi.toml)
S1_ITEMS = [
    ("服务态度", "1、态度亲切，言语温和，真诚可见；\n2、不与买家冲突，热情，保证第一时间回复买家；\n3、避免一问一答，永远比买家多说一句感谢的话；",
     "1、咨询中表现出不够耐心的，一次扣1分，随机抽查；\n2、与买家发生冲突的，一次扣5分，不设上限，随机抽查", 20),
    ("咨询转化率", "定单/咨询数量*100%", "1、高于34%，每点加5分；\n2、低于34%，每个点扣5分。", 20),
    ("定单销售比", "付款定单数/下单数", "1、高于95%，每点加1分；\n2、低于90%，每点扣1分。", 5),
    ("平均响应时间", "买家咨询后等待的时间很宝贵，时间长了就走了，到其他家去了，或生气了再不来了，或买了后给个差评",
     "买家问话后响应时间超过32秒，超过每秒扣2分。不设下限", 20),
    ("平均客单价", "反映客服销售技巧", "以平均单价为基准，超过10元加1分", 5),
    ("售后客服", "直接影响评价和退换率", "售后的差评，一次扣1分", 5),
    ("其他加减分", "1、工作态度好，学习有进步；\n2、咨询人次较高",
     "1、买家直接表扬客服一次加1分，被投诉的一次扣2分；\n2、咨询人次人均百分比，高于人均百分比每5点加1分，反之每5点扣1分", 5),
    ("日常记录", "1、除阿里旺旺和拍拍客服外，一律不准游戏，看电影，看小说；\n2、迟到与旷工",
     "1、发现一次扣20分，上不封顶；\n2、迟到早退每次1分，超过4次每次3分，旷工一次10分，迟到30分钟以上按旷工计算", 20),
]


def _style_header(ws, row: int, cols: int) -> None:
    for c in range(1, cols + 1):
        cell = ws.cell(row, c)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX


def build_s1(path: Path, items=S1_ITEMS, *, commission=True, rates=("1%", "1.2%", None),
             ranges=("30001-50000", "50001-60000", ">60001"), grades=None) -> Path:
    """S1 as a shop types it: 项目 | 评定标准 | 分数描述 | 分数比 | 得分, 综合得分, a 提成比例 block."""
    wb = Workbook()
    ws = wb.active
    ws.title = "考核表"
    ws.merge_cells("A1:E1")
    ws["A1"] = "朵以网店客服考核表（试行）"
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"], ws["C2"] = "姓名：", "月份："
    ws.append(["项目", "评定标准", "分数描述", "分数比", "得分"])
    _style_header(ws, 3, 5)
    r = 4
    for name, desc, rule, full in items:
        ws.cell(r, 1, name)
        ws.cell(r, 2, desc)
        ws.cell(r, 3, rule)
        ws.cell(r, 4, full)
        for c in range(1, 6):
            ws.cell(r, c).border = BOX
            ws.cell(r, c).alignment = Alignment(wrap_text=True, vertical="center")
        r += 1
    ws.cell(r, 1, "综合得分")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
    r += 2
    if commission:
        ws.cell(r, 1, "提成比例：")
        for i, rg in enumerate(ranges):
            ws.cell(r, 2 + i, rg)
        ws.cell(r + 1, 1, "销售业绩")
        for i, rate in enumerate(rates):
            if rate is not None:
                ws.cell(r + 1, 2 + i, rate)
        r += 3
    if grades:
        ws.cell(r, 1, "等级")
        r += 1
        for rg, label in grades:
            ws.cell(r, 1, rg)
            ws.cell(r, 2, label)
            r += 1
        r += 1
    ws.cell(r, 1, "本人签名：")
    ws.cell(r, 3, "主管签名：")
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 50
    ws.print_options.horizontalCentered = True
    wb.save(path)
    return path


# S4 员工绩效考核表: 考核项目 (category, merged) | 考核指标 | 权重 | 评价标准 | 自评 | 主管 | 审核
_RUBRIC = {
    "工作责任心": ["有强烈的责任心，从来没有失职行为", "有较强的工作责任心，极少有失职行为", "有相当的工作责任心，但是偶尔也有失职行为",
              "有一定的工作责任心，时常有失职行为", "基本上没有工作责任心，工作失职习以为常"],
    "工作态度": ["工作态度非常端正，工作任务从来不会延迟", "工作态度较为端正，工作任务极少延迟", "工作态度相当端正，工作任务偶尔也会延迟",
             "工作态度不太端正，工作任务经常会延迟", "工作态度很不端正，工作任务延迟习以为常"],
    "团队意识": ["有强烈的团队意识，总是主动协助他人完成工作", "有较强的团队意识，经常主动协助他人完成工作", "有相当的团队意识，偶尔主动协助他人完成工作",
             "有一定的团队意识，极少主动协助他人完成工作", "基本上没有团队意识，从不主动协助他人完成工作"],
    "服从意识": ["有强烈的服从意识，从不违反规章制度和工作标准", "有较强的服从意识，极少违反规章制度和工作标准", "有相当的服从意识，偶尔违反规章制度和工作标准",
             "有一定的服从意识，时常违反规章制度和工作标准", "基本上没有服从意识，违反规章制度和工作标准习以为常"],
}
S4_ITEMS = [
    ("工作业绩", "产品发错货率", "10%", "每发现一笔扣1分"),
    ("工作业绩", "事项追踪进度", "10%", "整体操作情况"),
    ("工作业绩", "订单修正率", "10%", "订单修改出现延误工作，每发现一次扣1分"),
    ("工作业绩", "工作积极性", "10%", "对工作总是怀有做到最好的愿望"),
    ("工作业绩", "工作满意度", "5%", "客户（含公司员工）每投诉一次扣2分，扣到该项为0分为止"),
    ("定性指标", "团队协作", "5%", "因个人原因而影响整个部门工作的情况出现一次，扣除该项5分"),
    ("定性指标", "制度执行情况", "10%", "每违规一次扣1分"),
    ("定性指标", "表现记事", "7%", "表现优良事迹每次加4分\n提出合理化建议并给采纳的奖励3分"),
] + [("工作态度", n, "7%", "\n".join(f"{p}分：{t}" for p, t in zip((7, 5, 3, 2, 1), opts))) for n, opts in _RUBRIC.items()] + [
    ("其它事项", "员工出勤率", "5%", "1.月度员工出勤率达到100%，得满分，迟到次数超过3次或早退一次，扣1分 直至0分为止\n2.月度旷工1次以上者，该项得分为0"),
]


def build_s4(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "员工绩效考核表"
    ws.merge_cells("A1:G1")
    ws["A1"] = "员工绩效考核表"
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"], ws["C2"], ws["E2"] = "部门", "姓名", "考核月份"
    ws.append(["考核项目", "考核指标", "权重", "评价标准", "自 评", "主 管", "审 核"])
    _style_header(ws, 3, 7)
    r = 4
    start, cat = 4, None
    for category, name, w, text in S4_ITEMS:
        if category != cat:
            if cat is not None and r - 1 > start:
                ws.merge_cells(start_row=start, start_column=1, end_row=r - 1, end_column=1)
            start, cat = r, category
            ws.cell(r, 1, category)
        ws.cell(r, 2, name)
        ws.cell(r, 3, w)
        ws.cell(r, 4, text)
        r += 1
    if r - 1 > start:
        ws.merge_cells(start_row=start, start_column=1, end_row=r - 1, end_column=1)
    ws.cell(r, 1, "备注")
    ws.cell(r + 1, 1, "最总得分")
    ws.cell(r + 1, 3, "等级")
    ws.cell(r + 3, 1, "本人签名：")
    ws.cell(r + 3, 3, "主管签名：")
    ws.cell(r + 3, 5, "审批：")
    # the grade table the form refers to (S2's five grades)
    g = r + 5
    for i, (rg, label) in enumerate([("95分以上", "卓越"), ("85-94", "优秀"), ("75-84", "良好"), ("65-74", "一般"), ("65分以下", "不及格")]):
        ws.cell(g + i, 1, rg)
        ws.cell(g + i, 2, label)
    wb.save(path)
    return path


S9_ITEMS = [
    ("领导能力", 15, ["善于领导部属提高工作效率，积极达成工作计划和目标", "灵活运用部属顺利达成工作计划和目标", "尚能领导部属勉强达成工作计划和目标",
                  "不得部属信赖，工作意愿低沉", "领导方式不佳，常使部属不服或反抗"]),
    ("策划能力", 15, ["策划有系统，能力求精进", "尚有策划能力，工作能力求改善", "称职，工作尚有表现", "只能做交办事项，不知策划改进", "缺乏策划能力，须依赖他人"]),
    ("工作任务及效率", 15, ["能出色完成工作任务，工作效率高，具有卓越创意", "能胜任工作，效率较高", "工作不误期，表现符合标准", "勉强胜任工作，无甚表现",
                     "工作效率低，时有差错"]),
    ("责任感", 15, ["有积极责任心，能彻底达成任务，可放心交代工作", "具有责任心，能达成任务，可交付工作", "尚有责任心，能如期完成任务",
                 "责任心不强，需有人督导，亦不能如期完成任务", "无责任心，时时需督导，也不能完成任务"]),
    ("沟通协调", 10, ["善于上下沟通平衡协调，能自动自发与人合作", "乐意与人沟通协调，顺利达成任务", "尚能与人合作，达成工作要求", "协调不善，致使工作较难开展",
                  "无法与人协调，致使工作无法开展"]),
    ("授权指导", 10, ["善于分配权力，积极传授工作知识，引导部属达成任务", "灵活分配工作或权力，有效传授工作知识达成任务", "尚能顺利分配工作与权力，指导部属完成任务",
                  "欠缺分配工作权力及指导部属之方法，任务进行偶有困难", "不善分配权力及指导部属之方法，内部时有不服及怨言"]),
    ("工作态度", 10, ["品德廉洁，言行诚信，立场坚定，足为楷模", "品行诚实，言行规矩，平易近人", "言行尚属正常，无越轨行为", "固执己见，不易与人相处",
                  "私务多，经常利用上班时间处理私事，或擅离岗位"]),
    ("成本意识", 10, ["成本意识强烈，能积极节省，避免浪费", "具备成本意识，并能节约", "尚有成本意识，尚能节约", "缺乏成本意识，稍有浪费", "无成本意识，经常浪费"]),
]


def build_s9(path: Path) -> Path:
    """S9: 项目 (merged over its five bands) | 考核内容 (a band per row, its points at the end) | 配分 | 自评 | 上级审核."""
    wb = Workbook()
    ws = wb.active
    ws.title = "高级职员考核表"
    ws.merge_cells("A1:E1")
    ws["A1"] = "高级职员考核表"
    ws["A2"] = "（考核对象：主管/（副）部长/经理（含）以上级管理人员）"
    ws["A3"], ws["C3"], ws["D3"] = "姓名：", "岗位名称：", "总得分："
    ws.append(["项目", "考核内容", "配分", "自评", "上级审核"])
    _style_header(ws, 4, 5)
    r = 5
    for name, full, bands in S9_ITEMS:
        pts = ["15", "13-14", "11-12", "7-10", "7以下"] if full == 15 else ["10", "8-9", "7", "5-6", "5以下"]
        for i, (t, p) in enumerate(zip(bands, pts)):
            ws.cell(r + i, 2, f"{t}{p}")
        ws.cell(r, 1, name)
        ws.cell(r, 3, f"{full}%")
        for c in (1, 3, 4, 5):
            ws.merge_cells(start_row=r, start_column=c, end_row=r + 4, end_column=c)
        r += 5
    ws.cell(r, 1, "备注：关于“工作任务”这个项目，必须另附上工作计划及工作总结供参考和审核。")
    ws.cell(r + 1, 1, "考核人签名")
    ws.cell(r + 1, 3, "（副）总经理确认")
    wb.save(path)
    return path


# Another shop: other words, other numbers, a vertical commission table and a grade table
OTHER_ITEMS = [
    ("询单转化率", "以30%为基准，每高出1个百分点加3分，每低1个百分点扣2分", "25分"),
    ("平均响应时间", "响应时间25秒以内不扣分；超过25秒的部分，每超1秒扣1分，扣完为止", "15分"),
    ("客单价", "客单价以团队平均客单价为准，每高出20元加1分，最多加5分", "10分"),
    ("差评", "每出现一个差评扣3分", "15分"),
    ("考勤", "迟到、早退每次扣2分，第3次起每次扣5分；\n旷工每次扣10分，迟到超过30分钟的按旷工处理", "20分"),
    ("表扬", "收到买家表扬每次加2分", "5分"),
    ("工作态度", "主管根据日常表现评分", "10分"),
]


def build_other(path: Path, items=OTHER_ITEMS) -> Path:
    """考核项目 | 考核标准 | 满分 | 得分, 合计; beside it a vertical 销售提成 table and a grade table."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "某某旗舰店 客服月度绩效考核"
    ws.merge_cells("A1:D1")
    ws["A2"], ws["B2"], ws["C2"] = "客服姓名", None, "考核月份"
    ws.append(["考核项目", "考核标准", "满分", "得分"])
    r = 4
    for name, text, full in items:
        ws.cell(r, 1, name)
        ws.cell(r, 2, text)
        ws.cell(r, 3, full)
        r += 1
    ws.cell(r, 1, "合计")
    ws["F3"] = "销售提成（按月销售额全额计）"
    ws["F4"], ws["G4"] = "3万以下", 0
    ws["F5"], ws["G5"] = "3万（含）至5万", "0.8%"
    ws["F6"], ws["G6"] = "5万以上", 0.01
    ws["F7"] = "提成金额"
    ws["F9"] = "90分以上 优秀"
    ws["F10"] = "75-89 良好"
    ws["F11"] = "60-74 合格"
    ws["F12"] = "60分以下 不合格"
    wb.save(path)
    return path


# S1's rules in other words: 考核内容 | 评分标准 | 分值 (percent cells) | 得分; 咨询转化率 over two merged rows;
# a vertical commission table with rates as numbers
S1_REWORDED = [
    ("服务态度", ["服务不耐心的每次扣1分\n与顾客发生争吵的每次扣5分，扣分不设下限"], 0.2),
    ("咨询转化率", ["转化率高于34%的，每高1个百分点加5分", "低于34%的，每低1个百分点扣5分"], 0.2),
    ("定单销售比", ["付款率在95%以上的，每1%加1分；90%以下的，每1%扣1分"], 0.05),
    ("平均响应时间", ["平均响应时间不超过32秒；超出32秒的，每超出1秒扣2分，不设下限"], 0.2),
    ("平均客单价", ["以团队平均客单价为基准，每高出10元加1分，低于基准不扣分"], 0.05),
    ("售后客服", ["售后产生差评，每个扣1分"], 0.05),
    ("其他加减分", ["买家表扬每次加1分；被投诉每次扣2分；\n咨询占比高于人均占比的，每高5个百分点加1分，低于的每低5个百分点扣1分"], 0.05),
    ("日常记录", ["上班时间玩游戏、看电影、看小说，每次扣20分，扣分不封顶；\n迟到或早退每次扣1分，从第5次起每次扣3分；\n"
              "旷工每天扣10分，迟到超过30分钟视为旷工"], 0.2),
]


def build_s1_reworded(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "客服考核"
    ws.merge_cells("A1:E1")
    ws["A1"] = "客服绩效考核表"
    ws.append(["序号", "考核内容", "评分标准", "分值", "得分"])
    r = 3
    for i, (name, rules, full) in enumerate(S1_REWORDED, 1):
        ws.cell(r, 1, i)
        ws.cell(r, 2, name)
        ws.cell(r, 4, full).number_format = "0%"
        for j, rule in enumerate(rules):
            ws.cell(r + j, 3, rule)
        if len(rules) > 1:
            for c in (1, 2, 4, 5):
                ws.merge_cells(start_row=r, start_column=c, end_row=r + len(rules) - 1, end_column=c)
        r += len(rules)
    ws.cell(r, 1, "总分")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
    ws.cell(r + 2, 1, "被考核人")
    ws.cell(r + 2, 3, "考核月份")
    ws["G2"] = "销售提成"
    for i, (rg, rate) in enumerate([("30000元以下", 0), ("30001-50000", 0.01), ("50001-60000", 0.012), ("60000以上", 0.012)]):
        ws.cell(3 + i, 7, rg)
        ws.cell(3 + i, 8, rate).number_format = "0.0%"
    wb.save(path)
    return path
